export { createClient, QianfanClient, type ClientOptions, type CallOptions, type ShownRequest } from './client/client.js';
export {
  openCatalogue,
  type Catalogue,
  type CatalogueOptions,
  type ActionListing,
  type SummaryFields,
  type LoadedDescriptor,
  type DescriptorSource,
} from './client/catalogue.js';
export { callAction, getDefaultClient, resetDefaultClient } from './client/default.js';
export type { ActionArguments, ActionResult, CatalogueEntry } from './client/action-types.js';
export { metadataOf, type CallMetadata } from './client/metadata.js';
export type { FailureClass } from './retry/failure-class.js';
export { fromEnv, fromProfile, fromProcess, chain, type ProfileProviderOptions, type ProcessProviderOptions } from './credentials/providers.js';
export { fromStsAssumeRole, type StsOptions } from './credentials/sts.js';
export type { CredentialProvider, ProvidedCredentials, CredentialsOption } from './credentials/types.js';
export type { Middleware, RequestContext, ResponseContext, ErrorContext } from './middleware/types.js';
export { paginate, paginatePages, type Page, type PaginateOptions } from './paginate/paginate.js';
export { waitFor, findWaiter, listWaiters, WaiterError, type WaitOptions, type WaitProgress } from './waiters/wait.js';
export { readDottedPath } from './paginate/dotted-path.js';
export { parseRoute, parseActionName, type ActionName } from './descriptors/names.js';
export type { ActionResponse } from './response/parse.js';
export type * from './generated/actions.js';
export {
  QianfanError,
  ServiceError,
  ResponseError,
  NetworkError,
  TimeoutError,
  AbortError,
  ClientClosedError,
  ConfigError,
  DescriptorError,
  ValidationError,
  type Problem,
  type QianfanErrorFields,
} from './errors.js';
export type { ActionDescriptor, Pagination, Waiter, Example } from './descriptors/types.js';
export { VALIDATION_MODES, type ValidationMode } from './validation/body.js';
export type { JsonSchema } from './validation/schema.js';
export { nearest } from './validation/report.js';
export type { UndescribedActions } from './descriptors/resolve.js';
export type { RetryPolicy, RetryQuota, FailureClassRule } from './retry/policy.js';
export type { SharedRateOptions } from './limits/shared-rate.js';
export { stderrLogger, streamLogger, type Logger } from './logging/logger.js';
export { scrub } from './logging/redact.js';
export { resolveConfig, type ResolvedConfig, type ConfigOptions } from './config/config.js';
export { readProfile, configFilePath, type Profile } from './credentials/profile.js';
export { writeProfile, profileNames } from './credentials/profile-writer.js';
export type { Transport, TransportOptions, HttpRequest, HttpResponse, SendOptions } from './transport/types.js';
export { UndiciTransport } from './transport/undici.js';
export { FetchTransport } from './transport/fetch.js';
export { sign, parseAuthorization, type Credentials, type SigningInput, type Signature, type ParsedAuthorization } from './signing/bce-auth-v1.js';

// Type-only: erased from the JavaScript, so the emulator's modules load only when startEmulator is called.
import type { EmulatorOptions, Emulator, EmulatorStateDocument, FaultSpec, Fault, ReceivedCall } from './emulator/server.js';
/** Starts the local console emulator (docs/emulator.md). Loaded on first use: importing the package does not load it. */
export async function startEmulator(options?: EmulatorOptions): Promise<Emulator> {
  const { startEmulator: start } = await import('./emulator/server.js');
  return start(options);
}
export type { EmulatorOptions, Emulator, EmulatorStateDocument, FaultSpec, Fault, ReceivedCall };
