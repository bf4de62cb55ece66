/** The client behind the bare callAction: created from the environment on first use. */
import type { ActionResponse } from '../response/parse.js';
import { QianfanClient, type CallOptions } from './client.js';

let defaultClient: QianfanClient | undefined;

export function getDefaultClient(): QianfanClient {
  defaultClient ??= new QianfanClient();
  return defaultClient;
}

/** Calls a console action with the default client (configured from QIANFAN_* environment variables). */
export function callAction<R = unknown>(route: string, action: string, body?: object, options?: CallOptions): Promise<ActionResponse<R>> {
  return getDefaultClient().callAction<R>(route, action, body, options);
}

/** Closes the default client's connections and forgets it; the next callAction reads the environment again. */
export async function resetDefaultClient(): Promise<void> {
  const client = defaultClient;
  defaultClient = undefined;
  await client?.close();
}
