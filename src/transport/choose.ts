/** Which transport a client sends with: the built-in undici one (default), the global fetch, or the caller's own. */
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../config/config.js';
import { checkProxy, checkTransport } from '../config/checks.js';
import type { ClientOptions } from '../client/options.js';
import { FetchTransport } from './fetch.js';
import type { Transport } from './types.js';
import { UndiciTransport } from './undici.js';

export function chooseTransport(options: ClientOptions): Transport {
  const transportOptions = {
    maxSockets: options.maxSockets ?? 64,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    proxy: checkProxy(options.proxy, options.transport),
  };
  return options.transport === undefined || options.transport === 'undici'
    ? new UndiciTransport(transportOptions)
    : options.transport === 'fetch'
      ? new FetchTransport()
      : checkTransport(options.transport);
}
