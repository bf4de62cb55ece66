/**
 * Writing one profile of ~/.qianfan/config (the format profile.ts reads) without disturbing the rest:
 * other sections, comments and unknown keys stay as they were. The file holds secrets, so it is written
 * to a temporary file of mode 0600 and renamed over the old one: never readable by others, never half
 * written.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Profile } from '../index.js';

const HEADER = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/;

/** The current settings of one section, for defaults in the prompts (empty when the file or section is missing). */
export function readSection(file: string, name: string): Profile {
  const settings: Record<string, string> = {};
  let inSection = false;
  for (const line of readLines(file)) {
    const header = HEADER.exec(line.trim());
    if (header) inSection = header[1] === name;
    else if (inSection && line.includes('=')) settings[line.slice(0, line.indexOf('=')).trim().toLowerCase()] = line.slice(line.indexOf('=') + 1).trim();
  }
  return settings;
}

/** Sets the given keys in section `name` (created at the end when missing) and writes the file with mode 0600. */
export function writeSection(file: string, name: string, settings: Profile): void {
  const lines = readLines(file);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  let start = lines.findIndex((line) => HEADER.exec(line.trim())?.[1] === name);
  if (start === -1) {
    if (lines.length > 0) lines.push('');
    lines.push(`[${name}]`);
    start = lines.length - 1;
  }
  let end = lines.findIndex((line, i) => i > start && HEADER.test(line.trim()));
  if (end === -1) end = lines.length;
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    const at = lines.findIndex((line, i) => i > start && i < end && line.includes('=') && line.slice(0, line.indexOf('=')).trim().toLowerCase() === key);
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
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600); // the umask may have taken bits away, never added; this makes it exact
  renameSync(temporary, file);
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The profile names in the file, in order (for completion of --profile). */
export function listSections(file: string): string[] {
  return readLines(file).flatMap((line) => HEADER.exec(line.trim())?.[1] ?? []);
}
