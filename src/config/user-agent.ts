/** The User-Agent every request carries: the package and Node.js versions. */
import { packageRequire } from '../runtime/require.js';

let userAgentValue: string | undefined;

/** Read on the first signed request rather than at import: importing the package touches no file. */
export function userAgent(): string {
  userAgentValue ??= `qianfan-console/${(packageRequire('../../package.json') as { version: string }).version} node/${process.versions.node}`;
  return userAgentValue;
}
