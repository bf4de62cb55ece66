import { delimiter, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shipped actions/ directory (this file is dist/descriptors/paths.js). */
export const BUILTIN_ACTIONS_DIR = fileURLToPath(new URL('../../actions', import.meta.url));

/**
 * The descriptor search path, first to last: the built-in actions/, then QIANFAN_ACTIONS_PATH
 * (a path list, ':' on POSIX), then the client's actionPaths. A later directory overrides an
 * earlier one action by action.
 */
export function actionSearchPath(envPath: string | undefined, actionPaths: readonly string[] = []): string[] {
  const fromEnv = (envPath ?? '').split(delimiter).filter((p) => p.trim() !== '');
  return [BUILTIN_ACTIONS_DIR, ...fromEnv, ...actionPaths].map((p) => resolve(p));
}
