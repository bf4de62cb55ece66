/**
 * A provider's credentials, kept until shortly before they expire. Calls that find them valid get them
 * at once (no promise); calls that come while they are being refreshed share the one refresh.
 */
import { ConfigError } from '../errors.js';
import { scrub } from '../logging/redact.js';
import type { Credentials } from '../signing/bce-auth-v1.js';
import type { CredentialProvider, ProvidedCredentials } from './types.js';

/** How long before expiresAt the provider is asked again; at most half the credentials' lifetime. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export class CredentialCache {
  readonly #provider: CredentialProvider;
  readonly #now: () => number;
  #current: Credentials | undefined;
  #refreshAt = 0;
  #pending: Promise<Credentials> | undefined;

  constructor(provider: CredentialProvider, now: () => number = Date.now) {
    this.#provider = provider;
    this.#now = now;
  }

  /** The credentials to sign with now, or the one refresh under way. */
  get(): Credentials | Promise<Credentials> {
    if (this.#current && this.#now() < this.#refreshAt) return this.#current;
    return (this.#pending ??= this.#refresh());
  }

  async #refresh(): Promise<Credentials> {
    try {
      let provided: ProvidedCredentials;
      try {
        provided = await this.#provider();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // The provider's own words, with the last secret this client knew masked should they quote it.
        throw new ConfigError(`the credentials provider failed: ${scrub(message, [this.#current?.secretKey, this.#current?.sessionToken])}`, {
          code: 'CredentialsProviderFailed',
          cause: error,
        });
      }
      const credentials = checkProvided(provided);
      const now = this.#now();
      const expiresAt = provided.expiresAt?.getTime() ?? Infinity;
      if (expiresAt <= now)
        throw new ConfigError(`the credentials provider gave credentials that expired at ${provided.expiresAt!.toISOString()}`, {
          code: 'CredentialsProviderFailed',
        });
      this.#refreshAt = expiresAt - Math.min(REFRESH_MARGIN_MS, (expiresAt - now) / 2);
      this.#current = credentials;
      return credentials;
    } finally {
      this.#pending = undefined;
    }
  }
}

function checkProvided(provided: unknown): Credentials {
  const given = (provided ?? {}) as Partial<ProvidedCredentials>;
  const missing = (['accessKey', 'secretKey'] as const).filter((key) => typeof given[key] !== 'string' || given[key] === '');
  if (missing.length > 0) throw new ConfigError(`the credentials provider gave no ${missing.join(' and no ')}`, { code: 'CredentialsProviderFailed' });
  if (given.sessionToken !== undefined && typeof given.sessionToken !== 'string')
    throw new ConfigError('the credentials provider gave a sessionToken that is not a string', { code: 'CredentialsProviderFailed' });
  if (given.expiresAt !== undefined && !(given.expiresAt instanceof Date && !Number.isNaN(given.expiresAt.getTime()))) {
    throw new ConfigError('the credentials provider gave an expiresAt that is not a valid Date', { code: 'CredentialsProviderFailed' });
  }
  return { accessKey: given.accessKey!, secretKey: given.secretKey!, ...(given.sessionToken ? { sessionToken: given.sessionToken } : {}) };
}
