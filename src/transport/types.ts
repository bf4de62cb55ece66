/** What the pipeline hands a transport, and what it gets back: bytes, not meaning. */
export interface HttpRequest {
  /** The base URL's origin, e.g. https://qianfan.baidubce.com */
  origin: string;
  /** Path and query, e.g. /v2/finetuning?Action=DescribeFineTuningTasks */
  path: string;
  method: 'POST';
  /** Shared between calls (the signer caches them per action per second): copy before changing. */
  headers: Readonly<Record<string, string>>;
  body: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface SendOptions {
  signal?: AbortSignal | undefined;
  /** Bounds the whole attempt: the wait for a connection, the response head and its body to the last byte. */
  timeoutMs: number;
  /** A response body larger than this is refused while it streams in. */
  maxResponseBytes: number;
}

/**
 * Sends one request. Rejects with NetworkError (the system's code), TimeoutError, AbortError,
 * or ResponseError (body too large or cut short); never interprets the response.
 */
export interface Transport {
  send(request: HttpRequest, options: SendOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface TransportOptions {
  /** Connections kept open to the console (one pool per client). */
  maxSockets: number;
  connectTimeoutMs: number;
  /** An HTTP(S) proxy to reach the console through (CONNECT tunnel), if any. */
  proxy?: string | undefined;
}
