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
}

const byResult = new WeakMap<object, CallMetadata>();

export function attachMetadata(target: object, metadata: CallMetadata): void {
  byResult.set(target, metadata);
}

/** The metadata of a result or error returned by callAction, or undefined for anything else. */
export function metadataOf(resultOrError: unknown): CallMetadata | undefined {
  if (resultOrError === null || typeof resultOrError !== 'object') return undefined;
  return byResult.get(resultOrError) ?? (resultOrError as { metadata?: CallMetadata }).metadata;
}
