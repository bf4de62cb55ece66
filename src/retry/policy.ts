/**
 * The retry policy as data (actions/retry-policy.yaml). The shipped file is converted to JSON at
 * build time so a call does not need the YAML parser; overrides are read with it.
 */
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { BUILTIN_ACTIONS_DIR } from '../descriptors/paths.js';
import { fs, packageRequire } from '../runtime/require.js';

export interface FailureClassRule {
  httpStatus?: number[];
  codes?: string[];
  legacyCodes?: number[];
}

/** The retry budget of a client (see budget.ts); a policy without one sets no limit. */
export interface RetryQuota {
  capacity: number;
  retryCost: number;
  timeoutRetryCost: number;
  successRefill: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  quota?: RetryQuota;
  backoff: { baseMs: number; throttleBaseMs: number; capMs: number };
  retryAfter: { maxMs: number };
  throttle: FailureClassRule;
  transient: FailureClassRule;
  clockSkew: { codes: string[] };
  network: { notSent: string[]; ambiguous: string[] };
}

export const RETRY_POLICY_FILE = 'retry-policy.yaml';

/** The policy file that wins on a search path (whose first entry is the built-in actions/): the last directory that has one. */
export function loadRetryPolicy(searchPath: readonly string[]): RetryPolicy {
  for (let i = searchPath.length - 1; i > 0; i--) {
    const file = join(searchPath[i]!, RETRY_POLICY_FILE);
    if (fs.existsSync(file)) return readRetryPolicy(file);
  }
  return builtinPolicy();
}

let builtin: RetryPolicy | undefined;

function builtinPolicy(): RetryPolicy {
  if (!builtin) {
    try {
      builtin = packageRequire('../precompiled/retry-policy.json') as RetryPolicy;
    } catch {
      builtin = readRetryPolicy(join(BUILTIN_ACTIONS_DIR, RETRY_POLICY_FILE));
    }
  }
  return builtin;
}

export function readRetryPolicy(file: string): RetryPolicy {
  const YAML = packageRequire('yaml') as typeof import('yaml');
  let value: unknown;
  try {
    value = YAML.parse(fs.readFileSync(file, 'utf8'), { maxAliasCount: 50 });
  } catch (error) {
    throw new ConfigError(`${file}: not a readable retry policy: ${(error as Error).message.split('\n')[0]}`, { code: 'InvalidRetryPolicy', cause: error });
  }
  return checkRetryPolicy(value, file);
}

/** Checks a policy given as data (from a file or the retryPolicy option). */
export function checkRetryPolicy(value: unknown, source: string): RetryPolicy {
  const problems: string[] = [];
  const policy = value as Partial<RetryPolicy> | null;
  const isCount = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 0;
  if (!policy || typeof policy !== 'object') throw new ConfigError(`${source}: a retry policy must be a mapping`, { code: 'InvalidRetryPolicy' });
  if (!isCount(policy.maxAttempts) || policy.maxAttempts! < 1) problems.push('maxAttempts must be a whole number ≥ 1');
  for (const key of ['baseMs', 'throttleBaseMs', 'capMs'] as const) if (!isCount(policy.backoff?.[key])) problems.push(`backoff.${key} must be a whole number of milliseconds`);
  if (!isCount(policy.retryAfter?.maxMs)) problems.push('retryAfter.maxMs must be a whole number of milliseconds');
  if (policy.quota !== undefined) {
    for (const key of ['capacity', 'retryCost', 'timeoutRetryCost', 'successRefill'] as const) if (!isCount(policy.quota?.[key])) problems.push(`quota.${key} must be a whole number of tokens`);
  }
  for (const cls of ['throttle', 'transient'] as const) {
    const rule = policy[cls];
    if (!rule || typeof rule !== 'object') problems.push(`${cls} must be a mapping`);
    else {
      if (rule.httpStatus !== undefined && !(Array.isArray(rule.httpStatus) && rule.httpStatus.every(isCount))) problems.push(`${cls}.httpStatus must be a list of status codes`);
      if (rule.codes !== undefined && !(Array.isArray(rule.codes) && rule.codes.every((c) => typeof c === 'string'))) problems.push(`${cls}.codes must be a list of strings`);
      if (rule.legacyCodes !== undefined && !(Array.isArray(rule.legacyCodes) && rule.legacyCodes.every(isCount))) problems.push(`${cls}.legacyCodes must be a list of numbers`);
    }
  }
  if (!Array.isArray(policy.clockSkew?.codes)) problems.push('clockSkew.codes must be a list');
  if (!Array.isArray(policy.network?.notSent) || !Array.isArray(policy.network?.ambiguous)) problems.push('network.notSent and network.ambiguous must be lists');
  if (problems.length) throw new ConfigError(`${source}: invalid retry policy: ${problems.join('; ')}`, { code: 'InvalidRetryPolicy' });
  return policy as RetryPolicy;
}
