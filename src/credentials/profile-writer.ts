/**
 * Writing one profile of ~/.qianfan/config (the format profile.ts reads) without disturbing the rest:
 * other sections, comments and unknown keys stay as they were, and a line the reader would refuse is
 * kept, not fixed or dropped. The file holds secrets, so it is written to a temporary file of mode 0600
 * and renamed over the old one: never readable by others, never half written.
 */
import { dirname } from 'node:path';
import { classifyProfileLine, type Profile } from './profile.js';
import { fs } from '../runtime/require.js';

/** The profile names in the file, in order; none when it does not exist. */
export function profileNames(file: string): string[] {
  return readLines(file).flatMap((line) => {
    const parsed = classifyProfileLine(line);
    return parsed.kind === 'header' ? [parsed.name] : [];
  });
}

/** Sets the given keys in section `name` (created at the end when missing) and writes the file with mode 0600. */
export function writeProfile(file: string, name: string, settings: Profile): void {
  const lines = readLines(file);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const headerOf = (line: string): string | undefined => {
    const parsed = classifyProfileLine(line);
    return parsed.kind === 'header' ? parsed.name : undefined;
  };
  let start = lines.findIndex((line) => headerOf(line) === name);
  if (start === -1) {
    if (lines.length > 0) lines.push('');
    lines.push(`[${name}]`);
    start = lines.length - 1;
  }
  let end = lines.findIndex((line, i) => i > start && headerOf(line) !== undefined);
  if (end === -1) end = lines.length;
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    const at = lines.findIndex((line, i) => {
      const parsed = classifyProfileLine(line);
      return i > start && i < end && parsed.kind === 'setting' && parsed.key === key;
    });
    if (at !== -1) {
      lines[at] = `${key} = ${value}`;
      continue;
    }
    // After the section's last setting, before the blank lines that separate it from the next one.
    let insertAt = end;
    while (insertAt - 1 > start && lines[insertAt - 1]!.trim() === '') insertAt--;
    lines.splice(insertAt, 0, `${key} = ${value}`);
    end++;
  }
  fs.mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${lines.join('\n')}\n`, { mode: 0o600 });
  fs.chmodSync(temporary, 0o600); // the umask may have taken bits away, never added; this makes it exact
  fs.renameSync(temporary, file);
}

function readLines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split(/\r?\n/);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
