export { createClient, QianfanClient, type ClientOptions, type CallOptions, type PreparedCall } from './client/client.js';
export { callAction, getDefaultClient, resetDefaultClient } from './client/default.js';
export { metadataOf, type CallMetadata } from './client/metadata.js';
export { paginate, paginatePages, type Page, type PaginateOptions } from './paginate/paginate.js';
export { waitFor, WaiterError, type WaitOptions, type WaitProgress } from './waiters/wait.js';
export type { ActionResponse } from './response/parse.js';
export type * from './generated/actions.js';
export {
  QianfanError,
  ServiceError,
  ResponseError,
  NetworkError,
  TimeoutError,
  AbortError,
  ConfigError,
  DescriptorError,
  ValidationError,
  type Problem,
} from './errors.js';
export type { ActionDescriptor, Pagination, Waiter, Example } from './descriptors/types.js';
export type { ValidationMode } from './validation/body.js';
export type { RetryPolicy } from './retry/policy.js';
export type { SharedRateOptions } from './limits/shared-rate.js';
export type { Logger } from './logging/logger.js';
export type { Transport, HttpRequest, HttpResponse, SendOptions } from './transport/types.js';
export { sign, parseAuthorization, type Credentials, type SigningInput, type Signature } from './signing/bce-auth-v1.js';

// Type-only: erased from the JavaScript, so the emulator's modules load only when startEmulator is called.
import type { EmulatorOptions, Emulator, EmulatorStateDocument, FaultSpec, Fault, ReceivedCall } from './emulator/server.js';
/** Starts the local console emulator (docs/emulator.md). Loaded on first use: importing the package does not load it. */
export async function startEmulator(options?: EmulatorOptions): Promise<Emulator> {
  const { startEmulator: start } = await import('./emulator/server.js');
  return start(options);
}
export type { EmulatorOptions, Emulator, EmulatorStateDocument, FaultSpec, Fault, ReceivedCall };
