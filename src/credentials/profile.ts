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

/** One line of the profile file, as the reader and the writer (profile-writer.ts) both see it. */
export type ProfileLine =
  | { kind: 'blank' } // empty, or a comment (# or ;)
  | { kind: 'header'; name: string }
  | { kind: 'setting'; key: string; value: string }
  | { kind: 'other' };

/** `[name]`, or `[profile name]` as in ~/.aws/config. */
const HEADER = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/;

export function classifyProfileLine(raw: string): ProfileLine {
  const line = raw.trim();
  if (line === '' || line.startsWith('#') || line.startsWith(';')) return { kind: 'blank' };
  const header = HEADER.exec(line);
  if (header) return { kind: 'header', name: header[1]! };
  const equals = line.indexOf('=');
  if (equals === -1) return { kind: 'other' };
  return { kind: 'setting', key: line.slice(0, equals).trim().toLowerCase(), value: line.slice(equals + 1).trim() };
}

/** Sections of the file, strictly: a line that is neither a header nor a setting is an error. */
function parseProfiles(text: string, file: string, warn: (line: string) => void): Map<string, Profile> {
  const sections = new Map<string, Profile>();
  let current: Profile | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = classifyProfileLine(raw);
    const where = `${file}:${index + 1}`;
    if (line.kind === 'blank') return;
    if (line.kind === 'header') {
      current = sections.get(line.name) ?? {};
      sections.set(line.name, current);
      return;
    }
    // The line is not quoted back: it may hold a secret.
    if (line.kind === 'other') throw new ConfigError(`${where}: expected "[profile]" or "key = value"`, { code: 'InvalidProfile' });
    if (!current) throw new ConfigError(`${where}: a setting before any [profile] header`, { code: 'InvalidProfile' });
    if (!(PROFILE_KEYS as readonly string[]).includes(line.key)) {
      warn(`${where}: unknown key ${JSON.stringify(line.key)} ignored; known keys: ${PROFILE_KEYS.join(', ')}`);
      return;
    }
    current[line.key as ProfileKey] = line.value;
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
