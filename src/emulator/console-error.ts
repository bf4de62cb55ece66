/**
 * A refusal in the console's own shape: the emulator answers it as HTTP `status` with
 * `{requestId, code, message}`. Codes are BCE's common ones (reference §4.2) where one fits.
 */
export class ConsoleError extends Error {
  override name = 'ConsoleError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** 404 ResourceNotFound: the body names a record that does not exist (or no longer does). */
export function resourceNotFound(field: string, id: unknown): ConsoleError {
  return new ConsoleError(404, 'ResourceNotFound', `${field} ${JSON.stringify(id)} does not exist`);
}

/** 400 InvalidParameter: a body value the emulator cannot act on although the schema allowed it. */
export function invalidParameter(message: string): ConsoleError {
  return new ConsoleError(400, 'InvalidParameter', message);
}
