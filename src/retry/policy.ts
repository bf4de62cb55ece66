/**
 * The retry policy as data (actions/retry-policy.yaml), in the format of actions/retry-policy.schema.json.
 * The shipped file is checked and converted to JSON at build time, so the default policy needs neither
 * the YAML parser nor the schema check; an override is read with the one and checked with the other,
 * whose validator is also compiled at build time (scripts/precompile.mjs).
 */
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { BUILTIN_ACTIONS_DIR } from '../descriptors/paths.js';
import { fs, packageRequire } from '../runtime/require.js';
import { describeFailure, fileProblemsMessage, parseLocatedYaml } from '../validation/located-yaml.js';
import { strictAjv, wrap, type JsonSchema, type SchemaCheck } from '../validation/schema.js';

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
export const RETRY_POLICY_SCHEMA_FILE = 'retry-policy.schema.json';

/** Aliases expand; a small document with nested aliases can otherwise expand to gigabytes. */
const MAX_ALIAS_COUNT = 50;
/** The problems one error lists; lint lists them all. */
const MAX_PROBLEMS_SHOWN = 10;

/** One thing wrong with a policy file, at a line of it. */
export interface PolicyFileProblem {
  line: number;
  message: string;
}

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

/** Reads and checks a policy file; a ConfigError names the file, the line and the field of each problem. */
export function readRetryPolicy(file: string): RetryPolicy {
  const { policy, problems } = inspectRetryPolicyFile(file);
  if (problems.length) throw new ConfigError(fileProblemsMessage(file, problems), { code: 'InvalidRetryPolicy' });
  return policy!;
}

/** Like readRetryPolicy, but returns every problem instead of throwing (for lint). */
export function inspectRetryPolicyFile(file: string): { policy: RetryPolicy | undefined; problems: PolicyFileProblem[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return { policy: undefined, problems: [{ line: 1, message: `cannot read the retry policy: ${(error as Error).message}` }] };
  }
  const { doc, lineAt, lineOf } = parseLocatedYaml(text);
  if (doc.errors.length > 0)
    return { policy: undefined, problems: doc.errors.map((e) => ({ line: lineAt(e.pos[0]), message: `not valid YAML: ${firstLine(e.message)}` })) };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return { policy: undefined, problems: [{ line: 1, message: `not usable YAML: ${firstLine((error as Error).message)}` }] };
  }
  const problems = policyProblems(value);
  if (problems.length === 0) return { policy: value as RetryPolicy, problems: [] };
  return { policy: undefined, problems: problems.map((p) => ({ line: lineOf(p.pointer), message: `invalid retry policy: ${p.detail}` })) };
}

/** Checks a policy given as data (the retryPolicy option); `source` names it in the error. */
export function checkRetryPolicy(value: unknown, source: string): RetryPolicy {
  const problems = policyProblems(value);
  if (problems.length > 0) {
    const listed = problems
      .slice(0, MAX_PROBLEMS_SHOWN)
      .map((p) => p.detail)
      .join('; ');
    throw new ConfigError(`${source}: invalid retry policy: ${listed}`, { code: 'InvalidRetryPolicy' });
  }
  return value as RetryPolicy;
}

/** What is wrong with a policy, each with the JSON pointer of the field it is about. */
function policyProblems(value: unknown): Array<{ pointer: string; detail: string }> {
  const failures = policyFormat()(value);
  return failures === true ? [] : failures.map(describeFailure);
}

let formatCheck: SchemaCheck | undefined;

/** The check of retry-policy.schema.json: precompiled by the build, else compiled on first use. */
function policyFormat(): SchemaCheck {
  if (!formatCheck) {
    try {
      formatCheck = wrap(packageRequire('../precompiled/retry-policy.schema.cjs') as Parameters<typeof wrap>[0]);
    } catch (error) {
      // Not built (a source checkout before `npm run build`): the schema is compiled instead.
      if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
      const schema = JSON.parse(fs.readFileSync(join(BUILTIN_ACTIONS_DIR, RETRY_POLICY_SCHEMA_FILE), 'utf8')) as JsonSchema;
      formatCheck = wrap(strictAjv().compile(schema));
    }
  }
  return formatCheck;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}
