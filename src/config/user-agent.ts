/** The User-Agent every request carries: the package and Node.js versions, then the application's id if it gave one. */
import { packageRequire } from '../runtime/require.js';

let userAgentValue: string | undefined;

/** Read on the first signed request rather than at import: importing the package touches no file. */
export function userAgent(appId?: string): string {
  userAgentValue ??= `qianfan-console/${(packageRequire('../../package.json') as { version: string }).version} node/${process.versions.node}`;
  return appId === undefined ? userAgentValue : `${userAgentValue} app/${appId}`;
}
