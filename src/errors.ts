/**
 * One error hierarchy for everything a call can fail with. Every error names the route and action it
 * belongs to (when known) and never carries a secret: messages are built from the service's own words,
 * local facts and masked values only.
 */
import type { CallMetadata } from './client/metadata.js';

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
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.route = fields.route;
    this.action = fields.action;
    this.httpStatus = fields.httpStatus;
    this.requestId = fields.requestId;
    this.code = fields.code;
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
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}`);
    super(`${subject}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${lines.join('\n')}`, {
      ...fields,
      code: 'ValidationError',
    });
    this.problems = problems;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), problems: this.problems };
  }
}
