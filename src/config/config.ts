/**
 * Client configuration: explicit options win over the environment, which wins over defaults.
 * Environment names are the official SDKs' own, so existing set-ups keep working.
 */
import { ConfigError } from '../errors.js';
import type { CredentialsOption } from '../credentials/types.js';
import type { ValidationMode } from '../validation/body.js';

export const DEFAULT_BASE_URL = 'https://qianfan.baidubce.com';
export const DEFAULT_EXPIRATION_SECONDS = 1800;
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

type Env = Readonly<Record<string, string | undefined>>;

export interface ResolvedConfig {
  accessKey: string | undefined;
  /** Not enumerable, like sessionToken: a printed or serialised configuration (or client) leaves it out. */
  readonly secretKey: string | undefined;
  readonly sessionToken: string | undefined;
  baseUrl: URL;
  expirationSeconds: number;
  actionsPathEnv: string | undefined;
  qps: number | undefined;
  /** Not enumerable: the Redis URL may carry a password. */
  readonly qpsStore: string | undefined;
  /** From QIANFAN_CONSOLE_API_RETRY_COUNT, the Python SDK's name for attempts per console call. */
  maxAttempts: number | undefined;
  debug: boolean;
  /** Appended to the User-Agent as app/<appId>, so the console's side can tell applications apart. */
  appId: string | undefined;
  /** Where the keys above came from: the options and environment, or the credentials option (which the environment does not complete). */
  credentialsFrom: 'options or environment' | 'credentials option' | 'provider';
}

export interface ConfigOptions {
  accessKey?: string | undefined;
  secretKey?: string | undefined;
  sessionToken?: string | undefined;
  /** Fixed keys, or a provider called again before the keys it gave expire; instead of accessKey/secretKey/sessionToken and the environment. */
  credentials?: CredentialsOption | undefined;
  baseUrl?: string | undefined;
  expirationSeconds?: number | undefined;
  qps?: number | undefined;
  /** redis://host:port/db: share the qps budget with every client using the same store and key (src/limits/shared-rate.ts). */
  qpsStore?: string | undefined;
  /** Your application's id, appended to the User-Agent (QIANFAN_APP_ID). */
  appId?: string | undefined;
  validation?: ValidationMode | undefined;
}

/** The configuration a client with these options would use: the options, then the environment, then the defaults. Throws ConfigError for a bad value. */
export function resolveConfig(options: ConfigOptions, env: Env = process.env): ResolvedConfig {
  // An empty variable counts as unset, as for the credentials: .env templates often carry empty values.
  const apiBaseUrl = nonEmpty(env['QIANFAN_CONSOLE_API_BASE_URL']);
  const baseUrlText = options.baseUrl ?? apiBaseUrl ?? nonEmpty(env['QIANFAN_CONSOLE_BASE_URL']) ?? DEFAULT_BASE_URL;
  const baseUrlSource =
    options.baseUrl !== undefined ? 'option baseUrl' : apiBaseUrl !== undefined ? 'QIANFAN_CONSOLE_API_BASE_URL' : 'QIANFAN_CONSOLE_BASE_URL';
  let baseUrl: URL;
  try {
    baseUrl = new URL(baseUrlText);
  } catch {
    throw new ConfigError(`${baseUrlSource} is not a URL: ${JSON.stringify(baseUrlText)}`, { code: 'InvalidConfig' });
  }
  if (baseUrl.protocol !== 'https:' && baseUrl.protocol !== 'http:') {
    throw new ConfigError(`${baseUrlSource} must be an http(s) URL, got ${baseUrl.protocol}`, { code: 'InvalidConfig' });
  }
  if (baseUrl.search || baseUrl.hash || baseUrl.username || baseUrl.password) {
    throw new ConfigError(`${baseUrlSource} must be a plain origin such as https://qianfan.baidubce.com (no credentials, query or fragment)`, {
      code: 'InvalidConfig',
    });
  }
  const keys = credentialSource(options, env);
  const config = {
    accessKey: nonEmpty(keys.accessKey),
    baseUrl,
    expirationSeconds:
      positiveInteger(options.expirationSeconds ?? env['QIANFAN_IAM_SIGN_EXPIRATION_SEC'], 'expirationSeconds / QIANFAN_IAM_SIGN_EXPIRATION_SEC', 'seconds') ??
      DEFAULT_EXPIRATION_SECONDS,
    actionsPathEnv: env['QIANFAN_ACTIONS_PATH'],
    qps: positiveNumber(options.qps ?? env['QIANFAN_QPS_LIMIT'], 'qps / QIANFAN_QPS_LIMIT'),
    maxAttempts: positiveInteger(env['QIANFAN_CONSOLE_API_RETRY_COUNT'], 'QIANFAN_CONSOLE_API_RETRY_COUNT', 'attempts'),
    debug: isTruthy(env['QIANFAN_DEBUG']),
    credentialsFrom: keys.from,
    appId: appIdOf(options.appId ?? nonEmpty(env['QIANFAN_APP_ID']), options.appId !== undefined ? 'appId' : 'QIANFAN_APP_ID'),
  };
  return Object.defineProperties(config, {
    secretKey: { value: nonEmpty(keys.secretKey), enumerable: false },
    sessionToken: { value: nonEmpty(keys.sessionToken), enumerable: false },
    qpsStore: { value: nonEmpty(options.qpsStore ?? env['QIANFAN_QPS_STORE']), enumerable: false },
  }) as ResolvedConfig;
}

/** The keys as given: the credentials option alone when it is there, else the key options over the environment. */
function credentialSource(
  options: ConfigOptions,
  env: Env,
): { accessKey?: string | undefined; secretKey?: string | undefined; sessionToken?: string | undefined; from: ResolvedConfig['credentialsFrom'] } {
  const given = options.credentials;
  if (given === undefined) {
    return {
      accessKey: options.accessKey ?? env['QIANFAN_ACCESS_KEY'],
      secretKey: options.secretKey ?? env['QIANFAN_SECRET_KEY'],
      sessionToken: options.sessionToken ?? env['QIANFAN_SESSION_TOKEN'],
      from: 'options or environment',
    };
  }
  if (options.accessKey !== undefined || options.secretKey !== undefined || options.sessionToken !== undefined) {
    throw new ConfigError('give either the credentials option or accessKey/secretKey/sessionToken, not both', { code: 'InvalidConfig' });
  }
  if (typeof given === 'function') return { from: 'provider' };
  if (given === null || typeof given !== 'object') {
    throw new ConfigError(`credentials must be { accessKey, secretKey, sessionToken? } or a provider function, got ${given === null ? 'null' : typeof given}`, {
      code: 'InvalidConfig',
    });
  }
  return { accessKey: given.accessKey, secretKey: given.secretKey, sessionToken: given.sessionToken, from: 'credentials option' };
}

/** The credentials, or an error that says exactly what to set. Checked at the first call, not at creation. */
export function requireCredentials(config: ResolvedConfig): { accessKey: string; secretKey: string; sessionToken?: string } {
  const missing: string[] = [];
  const fromOption = config.credentialsFrom === 'credentials option';
  if (!config.accessKey) missing.push(fromOption ? 'accessKey in the credentials option' : 'QIANFAN_ACCESS_KEY (or the accessKey option)');
  if (!config.secretKey) missing.push(fromOption ? 'secretKey in the credentials option' : 'QIANFAN_SECRET_KEY (or the secretKey option)');
  if (missing.length > 0) {
    throw new ConfigError(
      `Missing IAM credentials: set ${missing.join(' and ')}. These are the Access Key ID and Secret Access Key of ` +
        'Baidu Cloud IAM (安全认证), not an application API key or QIANFAN_AK/QIANFAN_SK.',
      { code: 'MissingCredentials' },
    );
  }
  return { accessKey: config.accessKey!, secretKey: config.secretKey!, ...(config.sessionToken ? { sessionToken: config.sessionToken } : {}) };
}

/** An id fit for a User-Agent product token: letters, digits, dot, underscore, hyphen; up to 64. */
function appIdOf(value: string | undefined, source: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(value)) {
    throw new ConfigError(`${source} must be 1 to 64 letters, digits, dots, underscores or hyphens, got ${JSON.stringify(value)}`, { code: 'InvalidConfig' });
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function positiveNumber(value: number | string | undefined, name: string): number | undefined {
  if (value === undefined || value === '' || value === 0 || value === '0') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${name} must be a positive number, got ${JSON.stringify(value)}`, { code: 'InvalidConfig' });
  return n;
}

function positiveInteger(value: number | string | undefined, name: string, unit: string): number | undefined {
  const n = positiveNumber(value, name);
  if (n !== undefined && !Number.isInteger(n))
    throw new ConfigError(`${name} must be a whole number of ${unit}, got ${JSON.stringify(value)}`, { code: 'InvalidConfig' });
  return n;
}

export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}
