/**
 * The command's credentials: one set from one source (flags, environment, profile). The profile file
 * itself is read by the library's readProfile, which fromProfile() also uses.
 */
import type { Profile } from '../index.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface CredentialSet {
  accessKey?: string | undefined;
  secretKey?: string | undefined;
  sessionToken?: string | undefined;
}

/**
 * The credentials, as one set from the first source that holds a key: the flags, a profile named by
 * --profile, the environment, then the profile of QIANFAN_PROFILE or [default]. A key and a token are
 * never taken from different places: a long-term key paired with another source's STS token signs
 * nothing valid, and the console's refusal would not say why.
 */
export function chooseCredentials(flags: CredentialSet, env: Env, profile: Profile, profileNamedByFlag: boolean): CredentialSet {
  const fromEnv = { accessKey: env['QIANFAN_ACCESS_KEY'], secretKey: env['QIANFAN_SECRET_KEY'], sessionToken: env['QIANFAN_SESSION_TOKEN'] };
  const fromProfile = { accessKey: profile.access_key, secretKey: profile.secret_key, sessionToken: profile.session_token };
  const sources = profileNamedByFlag ? [flags, fromProfile, fromEnv] : [flags, fromEnv, fromProfile];
  return sources.find((set) => Boolean(set.accessKey || set.secretKey)) ?? {};
}

/** The environment the client should read for the endpoint: the profile's fills in when neither variable is set. */
export function environmentWithProfileEndpoint(env: Env, profile: Profile): Record<string, string | undefined> {
  if (!profile.endpoint || env['QIANFAN_CONSOLE_API_BASE_URL'] || env['QIANFAN_CONSOLE_BASE_URL']) return { ...env };
  return { ...env, QIANFAN_CONSOLE_API_BASE_URL: profile.endpoint };
}
