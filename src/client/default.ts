/** The client behind the bare callAction: created from the environment on first use. */
import type { ActionResponse } from '../response/parse.js';
import type { ActionArguments, ActionResult } from './action-types.js';
import { QianfanClient } from './client.js';

let defaultClient: QianfanClient | undefined;

export function getDefaultClient(): QianfanClient {
  defaultClient ??= new QianfanClient();
  return defaultClient;
}

/** Calls a console action with the default client (configured from QIANFAN_* environment variables); typed as QianfanClient.callAction. */
export function callAction<Route extends string, Action extends string>(
  route: Route,
  action: Action,
  ...args: ActionArguments<Route, Action>
): Promise<ActionResponse<ActionResult<Route, Action>>> {
  return getDefaultClient().callAction(route, action, ...args);
}

/** Arguments with the client first: the given one, or the default client when the first argument is the route. */
export function withClient<Rest extends unknown[]>(args: unknown[]): [QianfanClient, ...Rest] {
  return (typeof args[0] === 'string' ? [getDefaultClient(), ...args] : args) as [QianfanClient, ...Rest];
}

/** Closes the default client's connections and forgets it; the next callAction reads the environment again. */
export async function resetDefaultClient(): Promise<void> {
  const client = defaultClient;
  defaultClient = undefined;
  await client?.close();
}
