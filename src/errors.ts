/**
 * One error hierarchy for everything a call can fail with. Every error names the route and action it
 * belongs to (when known) and never carries a secret: its message, code and requestId are scrubbed when
 * it is made (before the stack is captured), whatever path built them, and cut to a readable length.
 */
import type { CallMetadata } from './client/metadata.js';
import { excerpt } from './logging/redact.js';

/** A safety net: a message longer than this (every problem of a huge body, say) is cut. */
const MAX_MESSAGE_CHARS = 10_000;
/** A code or request id is an identifier: longer is not one. */
const MAX_FIELD_CHARS = 200;
/** Each line of a validation report. */
const MAX_PROBLEM_CHARS = 1_000;

export interface QianfanErrorFields {
  route?: string | undefined;
  action?: string | undefined;
  httpStatus?: number | undefined;
  requestId?: string | undefined;
  code?: string | undefined;
  cause?: unknown;
}

export class QianfanError extends Error {
  override name = 'QianfanError';
  route: string | undefined;
  action: string | undefined;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  readonly code: string;
  /** Attempts, retry delay and the like; set by the client when the error leaves a call. */
  metadata: CallMetadata | undefined;

  constructor(message: string, fields: QianfanErrorFields & { code: string }) {
    super(excerpt(message, MAX_MESSAGE_CHARS), fields.cause === undefined ? undefined : { cause: fields.cause });
    this.route = fields.route;
    this.action = fields.action;
    this.httpStatus = fields.httpStatus;
    this.requestId = fields.requestId === undefined ? undefined : excerpt(fields.requestId, MAX_FIELD_CHARS);
    this.code = excerpt(fields.code, MAX_FIELD_CHARS);
    this.metadata = undefined;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      route: this.route,
      action: this.action,
      httpStatus: this.httpStatus,
      requestId: this.requestId,
    };
  }
}

/** The console answered and said no: HTTP ≥ 400, a legacy error_code in a 200 body, or an IAM error header. */
export class ServiceError extends QianfanError {
  override name = 'ServiceError';
  /** Which of the console's error shapes carried it. */
  readonly shape: 'v2' | 'legacy' | 'iam-header' | 'http';
  constructor(message: string, fields: QianfanErrorFields & { code: string; shape: ServiceError['shape'] }) {
    super(message, fields);
    this.shape = fields.shape;
  }
}

/** The response could not be understood: not JSON, not UTF-8, too large, or cut short. */
export class ResponseError extends QianfanError {
  override name = 'ResponseError';
}

/**
 * No answer: connection refused or reset, DNS failure, TLS failure. `code` is the system's or undici's
 * (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, …); the retry policy says which prove the request was not sent.
 */
export class NetworkError extends QianfanError {
  override name = 'NetworkError';
}

/** An attempt ran past timeoutMs, or the call past deadlineMs. */
export class TimeoutError extends QianfanError {
  override name = 'TimeoutError';
}

/** The caller's signal fired. */
export class AbortError extends QianfanError {
  override name = 'AbortError';
}

/** The error a fired signal ends a wait with: its own reason when that is ours (a deadline's TimeoutError), else an AbortError. */
export function abortErrorFrom(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof AbortError || reason instanceof TimeoutError) return reason;
  return new AbortError('the call was aborted by its signal', { code: 'Aborted', cause: reason });
}

/** A call was made on a client after its close(): nothing was sent. */
export class ClientClosedError extends QianfanError {
  override name = 'ClientClosedError';
}

/** Options, environment or credentials are missing or malformed. */
export class ConfigError extends QianfanError {
  override name = 'ConfigError';
}

/** A descriptor file is unreadable, not YAML, or breaks the descriptor format. */
export class DescriptorError extends QianfanError {
  override name = 'DescriptorError';
  readonly file: string | undefined;
  readonly line: number | undefined;
  constructor(message: string, fields: QianfanErrorFields & { code?: string; file?: string | undefined; line?: number | undefined }) {
    super(message, { ...fields, code: fields.code ?? 'InvalidDescriptor' });
    this.file = fields.file;
    this.line = fields.line;
  }
}

export interface Problem {
  /** JSON path of the offending value, e.g. $.datasetConfig.versions[0].versionId */
  path: string;
  message: string;
  /** The JSON Schema keyword that failed (required, type, enum, additionalProperties, …). */
  keyword: string;
}

/** The request was refused locally, before anything was sent. Lists every problem at once. */
export class ValidationError extends QianfanError {
  override name = 'ValidationError';
  readonly problems: readonly Problem[];
  constructor(subject: string, problems: readonly Problem[], fields: QianfanErrorFields = {}) {
    // A problem may quote the caller's value (a route name of a megabyte, say): the report quotes a readable part.
    const shown = problems.map((p) => ({ ...p, path: excerpt(p.path, MAX_FIELD_CHARS), message: excerpt(p.message, MAX_PROBLEM_CHARS) }));
    const lines = shown.map((p) => `  - ${p.path}: ${p.message}`);
    super(`${subject}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${lines.join('\n')}`, {
      ...fields,
      code: 'ValidationError',
    });
    this.problems = shown;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), problems: this.problems };
  }
}
