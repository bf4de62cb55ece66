/**
 * Named profiles in ~/.qianfan/config, laid out like ~/.aws/credentials:
 *
 *   [default]
 *   access_key = ALTAK…
 *   secret_key = …
 *   endpoint = https://qianfan.baidubce.com
 *
 *   [staging]
 *   …
 *
 * QIANFAN_CONFIG_FILE points elsewhere; --profile or QIANFAN_PROFILE picks a section (default: [default]).
 * The file holds secrets, so it should be chmod 600: a warning says so when group or others may read it.
 * Nothing read here is ever printed; messages name files, sections, lines and keys, never values.
 */
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
// Required rather than imported, as elsewhere in the library: importing the package loads neither (see runtime/require.ts).
import { fs, packageRequire } from '../runtime/require.js';

const PROFILE_KEYS = ['access_key', 'secret_key', 'session_token', 'endpoint'] as const;

type ProfileKey = (typeof PROFILE_KEYS)[number];
export type Profile = Partial<Record<ProfileKey, string>>;
export type Env = Readonly<Record<string, string | undefined>>;

/** The profile file: QIANFAN_CONFIG_FILE, else ~/.qianfan/config, with ~ the environment's HOME where it has one. */
export function configFilePath(env: Env): string {
  const home = env['HOME'] || (packageRequire('node:os') as typeof import('node:os')).homedir();
  return env['QIANFAN_CONFIG_FILE'] || join(home, '.qianfan', 'config');
}

/**
 * The chosen profile, or an empty one when no profile was asked for and the file or its [default]
 * section does not exist. A profile asked for by name must exist.
 */
export function readProfile(requested: string | undefined, env: Env, warn: (line: string) => void): Profile {
  const name = requested ?? (env['QIANFAN_PROFILE'] || undefined);
  const file = configFilePath(env);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && name === undefined) return {};
    throw new ConfigError(`cannot read the profile file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      code: 'InvalidProfile',
    });
  }
  warnIfReadableByOthers(file, warn);
  const sections = parseProfiles(text, file, warn);
  const wanted = name ?? 'default';
  const profile = sections.get(wanted);
  if (profile) return profile;
  if (name === undefined) return {};
  const known = [...sections.keys()];
  throw new ConfigError(`no profile [${wanted}] in ${file}; ${known.length ? `it has ${known.map((k) => `[${k}]`).join(', ')}` : 'it has no profiles'}`, {
    code: 'InvalidProfile',
  });
}

/** Sections of the file; `[profile name]` (as in ~/.aws/config) is read as `[name]`. */
function parseProfiles(text: string, file: string, warn: (line: string) => void): Map<string, Profile> {
  const sections = new Map<string, Profile>();
  let current: Profile | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const where = `${file}:${index + 1}`;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      current = sections.get(header[1]!) ?? {};
      sections.set(header[1]!, current);
      return;
    }
    const equals = line.indexOf('=');
    // The line is not quoted back: it may hold a secret.
    if (equals === -1) throw new ConfigError(`${where}: expected "[profile]" or "key = value"`, { code: 'InvalidProfile' });
    if (!current) throw new ConfigError(`${where}: a setting before any [profile] header`, { code: 'InvalidProfile' });
    const key = line.slice(0, equals).trim().toLowerCase();
    if (!(PROFILE_KEYS as readonly string[]).includes(key)) {
      warn(`${where}: unknown key ${JSON.stringify(key)} ignored; known keys: ${PROFILE_KEYS.join(', ')}`);
      return;
    }
    current[key as ProfileKey] = line.slice(equals + 1).trim();
  });
  return sections;
}

function warnIfReadableByOthers(file: string, warn: (line: string) => void): void {
  if (process.platform === 'win32') return;
  const mode = fs.statSync(file).mode;
  if ((mode & 0o077) !== 0) {
    warn(`${file} holds secrets but may be read by others (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
  }
}
