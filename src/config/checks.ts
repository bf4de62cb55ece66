/** Checks of the options that resolveConfig does not read from the environment: each refusal names the option. */
import { ConfigError } from '../errors.js';
import type { CallOptions, ClientOptions } from '../client/options.js';
import type { Transport } from '../transport/types.js';
import { VALIDATION_MODES, type ValidationMode } from '../validation/body.js';
import { UNDESCRIBED_ACTIONS, type UndescribedActions } from '../descriptors/resolve.js';
import { nearest } from '../validation/report.js';

/** Every key of T, listed once: the compiler refuses the list when T gains a key the list lacks. */
const everyKeyOf =
  <T>() =>
  <K extends readonly (keyof T)[]>(keys: K & ([keyof T] extends [K[number]] ? unknown : never)): readonly string[] =>
    keys as readonly string[];

const CLIENT_OPTIONS = everyKeyOf<ClientOptions>()([
  'accessKey',
  'secretKey',
  'sessionToken',
  'credentials',
  'baseUrl',
  'expirationSeconds',
  'qps',
  'appId',
  'validation',
  'actionPaths',
  'undescribedActions',
  'maxAttempts',
  'timeoutMs',
  'deadlineMs',
  'connectTimeoutMs',
  'maxSockets',
  'maxResponseBytes',
  'maxConcurrency',
  'qpsStore',
  'qpsKey',
  'sharedRate',
  'proxy',
  'transport',
  'retryPolicy',
  'logger',
  'signal',
  'env',
] as const);
const CALL_OPTIONS = everyKeyOf<CallOptions>()(['signal', 'timeoutMs', 'deadlineMs', 'maxAttempts', 'validation'] as const);

/** Options that count something (attempts, milliseconds, bytes, connections): whole numbers of at least 1. */
const CALL_COUNTS = ['maxAttempts', 'timeoutMs', 'deadlineMs'] as const;
const CLIENT_COUNTS = [...CALL_COUNTS, 'connectTimeoutMs', 'maxSockets', 'maxResponseBytes', 'maxConcurrency'] as const;

export function checkCallOptions(options: CallOptions): void {
  checkKnown(options, CALL_OPTIONS, 'call option');
  for (const name of CALL_COUNTS) checkCount(options[name], name);
}

export function checkClientCounts(options: ClientOptions): void {
  checkKnown(options, CLIENT_OPTIONS, 'client option');
  for (const name of CLIENT_COUNTS) checkCount(options[name], name);
}

/** A misspelt or retired option (`strict`, `timeout`) would otherwise be ignored without a word. */
function checkKnown(options: object, known: readonly string[], what: string): void {
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const likely = nearest(name, known);
    const shown = JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
    throw new ConfigError(`${shown} is not a ${what}${likely ? `; did you mean ${likely}?` : '.'} Known: ${known.join(', ')}.`, { code: 'InvalidConfig' });
  }
}

function checkCount(value: unknown, name: string): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 1)) {
    throw new ConfigError(`${name} must be a whole number of at least 1, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`, {
      code: 'InvalidConfig',
    });
  }
}

export function checkProxy(proxy: unknown, transport: ClientOptions['transport']): string | undefined {
  if (proxy === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = typeof proxy === 'string' ? new URL(proxy) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError('proxy must be an http(s) URL such as http://proxy.example:3128', { code: 'InvalidConfig' });
  }
  if (transport !== undefined && transport !== 'undici')
    throw new ConfigError('proxy works with the undici transport; give your own Transport its proxy instead', { code: 'InvalidConfig' });
  return url.href;
}

export function checkTransport(transport: unknown): Transport {
  const given = transport as Partial<Transport> | null;
  if (given === null || typeof given !== 'object' || typeof given.send !== 'function' || typeof given.close !== 'function') {
    throw new ConfigError(
      `transport must be 'undici', 'fetch' or an object with send() and close(), got ${typeof transport === 'string' ? JSON.stringify(transport) : typeof transport}`,
      { code: 'InvalidConfig' },
    );
  }
  return given as Transport;
}

export function checkMode(mode: ValidationMode): ValidationMode {
  if (!VALIDATION_MODES.includes(mode)) {
    throw new ConfigError(`validation must be one of ${VALIDATION_MODES.join(', ')}, got ${JSON.stringify(mode)}`, { code: 'InvalidConfig' });
  }
  return mode;
}

export function checkUndescribedActions(value: UndescribedActions | undefined): UndescribedActions {
  if (value === undefined) return 'send';
  if (!UNDESCRIBED_ACTIONS.includes(value)) {
    throw new ConfigError(`undescribedActions must be one of ${UNDESCRIBED_ACTIONS.join(', ')}, got ${JSON.stringify(value)}`, { code: 'InvalidConfig' });
  }
  return value;
}
