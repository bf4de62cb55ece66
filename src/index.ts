export { createClient, QianfanClient, type ClientOptions, type CallOptions, type PreparedCall } from './client/client.js';
export { callAction, getDefaultClient, resetDefaultClient } from './client/default.js';
export { metadataOf, type CallMetadata } from './client/metadata.js';
export type { ActionResponse } from './response/parse.js';
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
export type { Logger } from './logging/logger.js';
export type { Transport, HttpRequest, HttpResponse, SendOptions } from './transport/types.js';
export { sign, parseAuthorization, type Credentials, type SigningInput, type Signature } from './signing/bce-auth-v1.js';
