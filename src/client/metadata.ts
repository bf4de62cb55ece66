import type { FailureClass } from '../retry/failure-class.js';

/**
 * What happened during a call, beside its result: kept off the plain `{requestId, result}` object
 * so that results compare and serialise as the console sent them.
 */
export interface CallMetadata {
  /** Requests sent, including the first. */
  attempts: number;
  /** Milliseconds spent waiting between attempts. */
  totalRetryDelayMs: number;
  /** Milliseconds from the call to its result or error. */
  durationMs: number;
  requestId: string | undefined;
  /** HTTP status of the last response, if one arrived. */
  httpStatus: number | undefined;
  /** The client's estimate of server time minus local time, used when signing. */
  clockOffsetMs: number;
  /**
   * For a failed call, how the retry policy classed its last failure: 'throttle' or 'transient' mean the
   * console was busy or failing (worth trying again later), 'notSent' or 'ambiguous' a network failure,
   * 'final' a refusal that retrying will not change. Undefined for a result.
   */
  failure: FailureClass | undefined;
}

/**
 * A non-enumerable symbol property: invisible to JSON.stringify, Object.keys and equality checks.
 * (A WeakMap keyed by results would do the same, but its entries outlive young-generation GCs and
 * made V8 grow its heap under sustained calls.) Symbol.for, so that every copy of this module agrees.
 */
const METADATA = Symbol.for('qianfan-console.metadata');

export function attachMetadata(target: object, metadata: CallMetadata): void {
  Object.defineProperty(target, METADATA, { value: metadata });
}

/** The metadata of a result or error returned by callAction, or undefined for anything else. */
export function metadataOf(resultOrError: unknown): CallMetadata | undefined {
  if (resultOrError === null || typeof resultOrError !== 'object') return undefined;
  return (resultOrError as { [METADATA]?: CallMetadata })[METADATA] ?? (resultOrError as { metadata?: CallMetadata }).metadata;
}
