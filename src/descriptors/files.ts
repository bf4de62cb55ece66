/**
 * How descriptor directories are read, one rule for the client and for lint: symbolic links are
 * followed, to files and to area directories alike; a descriptor is read only when it is a regular
 * file of at most MAX_DESCRIPTOR_BYTES, which stat checks before anything opens it (opening a FIFO
 * blocks until a writer comes; a device can stream forever).
 */
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import { fs } from '../runtime/require.js';

/** A descriptor is a page of YAML; anything far larger is a mistake or an attack. */
export const MAX_DESCRIPTOR_BYTES = 1024 * 1024;

/** Why a path cannot be read as a descriptor (not a regular file, too large, unreadable), or undefined when it can. */
export function unreadableDescriptor(file: string): string | undefined {
  let stat: import('node:fs').Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    return `cannot read descriptor: ${(error as Error).message}`;
  }
  if (!stat.isFile()) return `is not a regular file (${fileKind(stat)}), so it is not read as a descriptor`;
  if (stat.size > MAX_DESCRIPTOR_BYTES) return `descriptor is ${stat.size} bytes; the limit is ${MAX_DESCRIPTOR_BYTES}`;
  return undefined;
}

function fileKind(stat: import('node:fs').Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a directory';
  return 'not a file';
}

/** A directory entry that is a directory, or a link to one. */
export function isDirectoryEntry(dir: string, entry: Dirent): boolean {
  return entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(join(dir, entry.name)));
}

export function isDirectory(path: string): boolean {
  try {
    return fs.statSync(path).isDirectory();
  } catch {
    return false;
  }
}
