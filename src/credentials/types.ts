/** Credentials as a client takes them: fixed keys, or a provider it asks again before they expire. */

/** What a provider gives: IAM keys, an STS token when the keys are temporary, and when they stop working. */
export interface ProvidedCredentials {
  accessKey: string;
  secretKey: string;
  sessionToken?: string | undefined;
  /** When the keys expire; the client asks the provider again shortly before. Absent: they do not expire. */
  expiresAt?: Date | undefined;
}

/** Called at the first call, then again when the credentials it gave are about to expire. */
export type CredentialProvider = () => Promise<ProvidedCredentials>;

/**
 * Fixed keys (a missing one is reported at the first call, and the environment is not read to complete
 * them), or a provider.
 */
export type CredentialsOption = { accessKey?: string | undefined; secretKey?: string | undefined; sessionToken?: string | undefined } | CredentialProvider;
