/** What a client and a call can be given. Types only: the checks are in src/config/checks.ts. */
import type { ConfigOptions } from '../config/config.js';
import type { SharedRateOptions } from '../limits/shared-rate.js';
import type { Logger } from '../logging/logger.js';
import type { RetryPolicy } from '../retry/policy.js';
import type { Transport } from '../transport/types.js';
import type { ValidationMode } from '../validation/body.js';
import type { UndescribedActions } from '../descriptors/resolve.js';

export interface ClientOptions extends ConfigOptions {
  /** Directories searched for descriptors after the built-in actions/ and QIANFAN_ACTIONS_PATH; later ones win. */
  actionPaths?: readonly string[];
  /** What to do with an action that has no descriptor: 'send' it unvalidated (default, as the official SDKs do) or 'refuse' it. */
  undescribedActions?: UndescribedActions;
  /** compatible (default): refuse wrong types, missing required and misspelt fields, warn once of the rest; strict: refuse every violation; off. */
  validation?: ValidationMode;
  /** Attempts per call, the first included (default from the retry policy: 3). 1 disables retries; a RequestExpired refusal is still re-signed once with the server's clock. */
  maxAttempts?: number;
  /** Bounds each attempt (default 60 000 ms). */
  timeoutMs?: number;
  /** Bounds the whole call across attempts and waits (default: none). */
  deadlineMs?: number;
  connectTimeoutMs?: number;
  /** Connections kept to the console (default 64). */
  maxSockets?: number;
  maxResponseBytes?: number;
  /** Calls in flight at once across the client (default: unlimited). */
  maxConcurrency?: number;
  /** With qpsStore: the name of the shared budget (default: a hash of the access key, i.e. the account). */
  qpsKey?: string;
  /** With qpsStore: how the shared rate adapts to throttling, and how long a call waits on the store. */
  sharedRate?: SharedRateOptions;
  /** Reach the console through this HTTP(S) proxy (undici transport; https targets are tunnelled with CONNECT). */
  proxy?: string;
  /** 'undici' (default), 'fetch' (the global fetch, e.g. under nock), or your own Transport. */
  transport?: 'undici' | 'fetch' | Transport;
  /** A retry policy object, or the path of a YAML file; default: retry-policy.yaml on the search path. */
  retryPolicy?: RetryPolicy | string;
  /** Receives debug lines (each attempt) and validation warnings. QIANFAN_DEBUG=1 sends debug lines to stderr. */
  logger?: Logger;
  /** Fires to abort every call of this client. */
  signal?: AbortSignal;
  /** The environment to read instead of process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  deadlineMs?: number;
  maxAttempts?: number;
  validation?: ValidationMode;
}
