/**
 * Built-in credential providers: the environment, a profile of ~/.qianfan/config, an external command
 * (like credential_process), and a chain that takes the first that answers. Baidu STS: sts.ts.
 * Their errors name where they looked, never a value read there.
 */
import { ConfigError } from '../errors.js';
import { stderrLogger } from '../logging/logger.js';
import { configFilePath, readProfile, type Env } from './profile.js';
import type { CredentialProvider, ProvidedCredentials } from './types.js';

/** QIANFAN_ACCESS_KEY, QIANFAN_SECRET_KEY and QIANFAN_SESSION_TOKEN, read when the provider is called. */
export function fromEnv(env: Env = process.env): CredentialProvider {
  return async () => {
    const accessKey = env['QIANFAN_ACCESS_KEY']?.trim();
    const secretKey = env['QIANFAN_SECRET_KEY']?.trim();
    const missing = [accessKey ? undefined : 'QIANFAN_ACCESS_KEY', secretKey ? undefined : 'QIANFAN_SECRET_KEY'].filter(Boolean);
    if (missing.length > 0) throw new ConfigError(`${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`, { code: 'MissingCredentials' });
    const sessionToken = env['QIANFAN_SESSION_TOKEN']?.trim();
    return { accessKey: accessKey!, secretKey: secretKey!, ...(sessionToken ? { sessionToken } : {}) };
  };
}

export interface ProfileProviderOptions {
  /** The section; default QIANFAN_PROFILE, else [default]. */
  profile?: string;
  /** Where QIANFAN_CONFIG_FILE and QIANFAN_PROFILE are read; default process.env. */
  env?: Env;
  /** Receives warnings about the file (readable by others, unknown keys); default stderr. */
  warn?: (line: string) => void;
}

/** access_key, secret_key and session_token of a profile in ~/.qianfan/config (or QIANFAN_CONFIG_FILE). */
export function fromProfile(options: ProfileProviderOptions = {}): CredentialProvider {
  return async () => {
    const env = options.env ?? process.env;
    const profile = readProfile(options.profile, env, options.warn ?? stderrLogger.warn);
    const section = options.profile ?? (env['QIANFAN_PROFILE'] || 'default');
    const missing = [profile.access_key ? undefined : 'access_key', profile.secret_key ? undefined : 'secret_key'].filter(Boolean);
    if (missing.length > 0)
      throw new ConfigError(`profile [${section}] of ${configFilePath(env)} has no ${missing.join(' and no ')}`, { code: 'MissingCredentials' });
    return { accessKey: profile.access_key!, secretKey: profile.secret_key!, ...(profile.session_token ? { sessionToken: profile.session_token } : {}) };
  };
}

export interface ProcessProviderOptions {
  /** Kill the command after this long (default 30 000 ms). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a command (through the shell) that prints the credentials as JSON on stdout:
 * `{ "accessKey", "secretKey", "sessionToken"?, "expiresAt"? }` — Baidu STS's `accessKeyId`,
 * `secretAccessKey` and `expiration` are read too. Its output is never quoted in an error.
 */
export function fromProcess(command: string, options: ProcessProviderOptions = {}): CredentialProvider {
  if (typeof command !== 'string' || command.trim() === '') throw new ConfigError('fromProcess needs a command to run', { code: 'InvalidConfig' });
  return async () => {
    const { exec } = await import('node:child_process');
    const stdout = await new Promise<string>((resolve, reject) => {
      exec(command, { timeout: options.timeoutMs ?? 30_000, env: options.env ?? process.env, maxBuffer: 1024 * 1024 }, (error, out, err) => {
        if (!error) return resolve(out);
        const why = error.killed ? 'was stopped (timeout)' : `exited with ${error.code ?? error.signal}`;
        const said = err.trim().split('\n')[0]?.slice(0, 200);
        reject(new Error(`the credential command ${why}${said ? `: ${said}` : ''}`));
      });
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(stdout);
    } catch {
      throw new Error('the credential command did not print JSON');
    }
    return readCredentialsJson(parsed, 'the credential command');
  };
}

/** Credentials from a JSON object in our own field names or Baidu STS's. */
export function readCredentialsJson(value: unknown, source: string): ProvidedCredentials {
  const json = (value ?? {}) as Record<string, unknown>;
  const text = (...keys: string[]): string | undefined => keys.map((k) => json[k]).find((v): v is string => typeof v === 'string' && v !== '');
  const accessKey = text('accessKey', 'accessKeyId');
  const secretKey = text('secretKey', 'secretAccessKey');
  if (!accessKey || !secretKey) throw new Error(`${source} gave no ${accessKey ? 'secretKey' : 'accessKey'}`);
  const sessionToken = text('sessionToken');
  const expiry = text('expiresAt', 'expiration');
  const expiresAt = expiry === undefined ? undefined : new Date(expiry);
  if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new Error(`${source} gave an expiry that is not a date`);
  return { accessKey, secretKey, ...(sessionToken ? { sessionToken } : {}), ...(expiresAt ? { expiresAt } : {}) };
}

/** The first provider that gives credentials, tried in order on every refresh; if none does, every one's reason. */
export function chain(...providers: CredentialProvider[]): CredentialProvider {
  if (providers.length === 0 || providers.some((p) => typeof p !== 'function'))
    throw new ConfigError('chain() takes one or more credential providers', { code: 'InvalidConfig' });
  return async () => {
    const reasons: string[] = [];
    for (const provider of providers) {
      try {
        return await provider();
      } catch (error) {
        reasons.push(error instanceof Error ? error.message : String(error));
      }
    }
    throw new Error(`no provider in the chain gave credentials: ${reasons.join('; ')}`);
  };
}
