/**
 * A failure as one paragraph on stderr, and the exit code scripts branch on:
 * 0 ok · 1 the service said no · 2 usage, configuration or validation · 3 network, timeout or an
 * unreadable answer · 4 the console was throttling or failing, still so after the retries · 130
 * interrupted · 70 a bug in this program.
 */
import { UsageError } from './argv.js';
import {
  AbortError,
  ConfigError,
  DescriptorError,
  NetworkError,
  QianfanError,
  ResponseError,
  ServiceError,
  TimeoutError,
  ValidationError,
  WaiterError,
  scrub,
} from '../index.js';

const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;
const EXIT_UNREACHABLE = 3;
const EXIT_BUSY = 4;
const EXIT_INTERNAL = 70;
const EXIT_INTERRUPTED = 130;

export interface Failure {
  text: string;
  exitCode: number;
}

export function describeFailure(error: unknown, secrets: readonly string[]): Failure {
  const { text, exitCode } = describe(error);
  return { text: scrub(`qianfan-console: ${text}`, secrets).trimEnd() + '\n', exitCode };
}

function describe(error: unknown): Failure {
  if (error instanceof UsageError) return { text: error.message + (error.helpHint ? `\nSee: ${error.helpHint}` : ''), exitCode: EXIT_USAGE };
  if (error instanceof ValidationError) return { text: describeValidation(error), exitCode: EXIT_USAGE };
  if (error instanceof ConfigError && error.code === 'MissingCredentials') {
    // The library's message names its options; a command's user sets flags, variables or a profile.
    return {
      text: `missing IAM credentials (an access key and its secret key, taken together from one place): give --access-key and --secret-key, set QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY, or put access_key and secret_key in a profile of ~/.qianfan/config (see: qianfan-console --help). These are the Access Key ID and Secret Access Key of Baidu Cloud IAM, not an application API key.`,
      exitCode: EXIT_USAGE,
    };
  }
  if (error instanceof ConfigError || error instanceof DescriptorError) return { text: `${error.name}: ${error.message}`, exitCode: EXIT_USAGE };
  if (error instanceof AbortError) return { text: 'interrupted', exitCode: EXIT_INTERRUPTED };
  if (error instanceof ServiceError) {
    // Throttled or failing even after the retries: a script may back off and run again.
    const failure = error.metadata?.failure;
    if (failure === 'throttle' || failure === 'transient') {
      return {
        text: `the console is ${failure === 'throttle' ? 'throttling' : 'failing'} ${subject(error)}; try again later: ${error.message}${details(error)}`,
        exitCode: EXIT_BUSY,
      };
    }
    return { text: `the console refused ${subject(error)}: ${error.message}${details(error)}`, exitCode: EXIT_REFUSED };
  }
  if (error instanceof WaiterError) {
    return { text: `${error.message}${details(error)}`, exitCode: error.reason === 'failure' ? EXIT_REFUSED : EXIT_UNREACHABLE };
  }
  if (error instanceof NetworkError || error instanceof TimeoutError || error instanceof ResponseError) {
    return { text: `${error.name} ${error.code} calling ${subject(error)}: ${error.message}${details(error)}`, exitCode: EXIT_UNREACHABLE };
  }
  if (error instanceof QianfanError) return { text: `${error.name} ${error.code}: ${error.message}${details(error)}`, exitCode: EXIT_REFUSED };
  return { text: `internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, exitCode: EXIT_INTERNAL };
}

function subject(error: QianfanError): string {
  return error.action ? `${error.action} (${error.route ?? 'unknown route'})` : (error.route ?? 'the console');
}

function details(error: QianfanError): string {
  const attempts = error.metadata?.attempts ?? 1;
  const parts = [
    error.httpStatus === undefined ? undefined : `HTTP ${error.httpStatus}`,
    error.requestId ? `requestId ${error.requestId}` : undefined,
    // Says that retrying was tried (--max-attempts or the retry policy sets how often).
    attempts > 1 ? `after ${attempts} attempts` : undefined,
  ].filter(Boolean);
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

/** The library's report, with the flag that sets each field named beside its path. */
function describeValidation(error: ValidationError): string {
  const subjectLine = error.message.split('\n')[0]!;
  const lines = error.problems.map((p) => {
    const flag = /^\$\.[A-Za-z0-9_$.]+$/.test(p.path) ? ` (--${p.path.slice(2)})` : '';
    return `  - ${p.path}${flag}: ${p.message}`;
  });
  const help = error.action && error.route ? `\nSee: qianfan-console describe ${error.route.replace(/^\/v2\//, '')} ${error.action}` : '';
  return `${subjectLine}\n${lines.join('\n')}${help}`;
}
