/**
 * `qianfan-console lint [DIR…]`: checks descriptor directories as the client will read them, and
 * reports every problem as `file:line: message` rather than stopping at the first. Directories are
 * taken as a search path: the same <area>/<Action>.yaml in a later directory overrides an earlier
 * one (as it does for the client), while any other two files claiming one action are a conflict.
 */
import { readdirSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isDirectory, isDirectoryEntry, unreadableDescriptor } from '../descriptors/files.js';
import { descriptorFormat, inspectDescriptorFile } from '../descriptors/parse.js';
import { BUILTIN_ACTIONS_DIR } from '../descriptors/paths.js';
import { inspectRetryPolicyFile, RETRY_POLICY_FILE } from '../retry/policy.js';
import { strictAjv } from '../validation/schema.js';
import { checkDescriptorContent } from './descriptor-checks.js';
import { patternChecker } from './hazard-checks.js';

export interface LintIO {
  out(line: string): void;
  err(line: string): void;
}

export interface LintProblem {
  file: string;
  line: number;
  message: string;
}

/** The meta-schema every descriptor is checked against: the shipped one, whichever directories are linted. */
const DESCRIPTOR_FORMAT_FILE = 'descriptor.schema.json';

/**
 * Directories whose descriptors must say where their facts come from (a non-empty `sources`): the
 * shipped catalogue, never a dropped-in directory.
 */
export const SOURCES_REQUIRED_IN: readonly string[] = [BUILTIN_ACTIONS_DIR];

export const LINT_CLEAN = 0;
export const LINT_PROBLEMS = 1;
export const LINT_USAGE = 2;

/** Lints the given descriptor directories (the shipped actions/ when none); returns the exit code. */
export async function runLint(dirs: string[] | undefined, io: LintIO): Promise<number> {
  const roots = (dirs?.length ? dirs : [BUILTIN_ACTIONS_DIR]).map((d) => resolve(d));
  const missing = roots.filter((d) => !isDirectory(d));
  if (missing.length > 0) {
    for (const dir of missing) io.err(`qianfan-console lint: ${dir} is not a directory`);
    return LINT_USAGE;
  }
  const { problems, descriptorCount } = lintDirectories(roots);
  if (!patternChecker())
    io.err('lint: note: recheck is not installed, so patterns were not checked for catastrophic backtracking (npm install --save-dev recheck)');
  for (const p of problems) io.out(`${shownPath(p.file)}:${p.line}: ${p.message}`);
  const scope = `${descriptorCount} ${plural(descriptorCount, 'descriptor')} in ${roots.length} ${plural(roots.length, 'directory', 'directories')}`;
  if (problems.length === 0) {
    io.out(`lint: ${scope}: no problems`);
    return LINT_CLEAN;
  }
  const files = new Set(problems.map((p) => p.file)).size;
  io.out(`lint: ${scope}: ${problems.length} ${plural(problems.length, 'problem')} in ${files} ${plural(files, 'file')}`);
  return LINT_PROBLEMS;
}

/** Every problem in the directories (absolute paths, first to last), ordered by file and line. */
export function lintDirectories(
  roots: readonly string[],
  sourcesRequiredIn: readonly string[] = SOURCES_REQUIRED_IN,
): { problems: LintProblem[]; descriptorCount: number } {
  try {
    descriptorFormat();
  } catch (error) {
    const message = `the descriptor format does not compile, so no descriptor can be checked: ${(error as Error).message}`;
    return { problems: [{ file: join(BUILTIN_ACTIONS_DIR, DESCRIPTOR_FORMAT_FILE), line: 1, message }], descriptorCount: 0 };
  }
  const run = new LintRun();
  const needSources = new Set(sourcesRequiredIn.map((d) => resolve(d)));
  for (const root of roots) run.lintDirectory(root, needSources.has(resolve(root)));
  return run.finish();
}

class LintRun {
  readonly #problems: LintProblem[] = [];
  // An action is claimed by its file's path and by what the file says. Case is ignored, as some file systems ignore it.
  readonly #actions = new Claims((name) => name.toLowerCase());
  readonly #waiters = new Claims((name) => name);
  readonly #ajv = strictAjv({ checkSchemas: true });
  #descriptorCount = 0;

  lintDirectory(root: string, sourcesRequired: boolean): void {
    for (const entry of entries(root)) {
      const path = join(root, entry.name);
      // Links are followed, as the client follows them; what is not a regular file is reported, not read.
      if (isDirectoryEntry(root, entry)) {
        if (entry.name.startsWith('.')) continue;
        for (const file of entries(path).filter((e) => e.name.endsWith('.yaml') && !isDirectoryEntry(path, e)))
          this.#lintDescriptor(join(path, file.name), entry.name, file.name, sourcesRequired);
      } else if (entry.name === RETRY_POLICY_FILE) {
        this.#lintRetryPolicy(path);
      } else if (entry.name.endsWith('.yaml')) {
        this.#problems.push({ file: path, line: 1, message: 'not in an area directory, so never loaded: a descriptor lies at <dir>/<area>/<Action>.yaml' });
      }
    }
  }

  finish(): { problems: LintProblem[]; descriptorCount: number } {
    const problems = [
      ...this.#problems,
      ...this.#actions.conflicts((action) => `${action} is also claimed by`),
      ...this.#waiters.conflicts((waiter) => `waiter ${waiter} is also defined by`, ', and waiters are found by name alone'),
    ];
    problems.sort((a, b) => compare(a.file, b.file) || a.line - b.line);
    return { problems, descriptorCount: this.#descriptorCount };
  }

  #lintDescriptor(file: string, area: string, fileName: string, sourcesRequired: boolean): void {
    this.#descriptorCount++;
    const relativePath = `${area}/${fileName}`;
    const inspection = inspectDescriptorFile(file);
    for (const p of inspection.problems) this.#problems.push({ file, ...p });
    const line = inspection.lineOf('/action');
    this.#actions.add(`${fileName.replace(/\.yaml$/, '')} (/v2/${area})`, { file, relativePath, line });
    const descriptor = inspection.descriptor;
    if (!descriptor) return;
    this.#actions.add(`${descriptor.action} (${descriptor.route})`, { file, relativePath, line });
    for (const p of checkDescriptorContent(descriptor, inspection.lineOf, this.#ajv)) this.#problems.push({ file, ...p });
    if (sourcesRequired && !descriptor.sources?.length) {
      this.#problems.push({ file, line: 1, message: 'has no sources: a shipped descriptor lists where its facts come from (doc URLs, SDK paths)' });
    }
    for (const waiter of Object.keys(descriptor.waiters ?? {}))
      this.#waiters.add(waiter, { file, relativePath, line: inspection.lineOf(`/waiters/${waiter}`) });
  }

  #lintRetryPolicy(file: string): void {
    const unreadable = unreadableDescriptor(file);
    if (unreadable) {
      this.#problems.push({ file, line: 1, message: unreadable.replace('descriptor', 'retry policy') });
      return;
    }
    for (const problem of inspectRetryPolicyFile(file).problems) this.#problems.push({ file, ...problem });
  }
}

interface Claim {
  file: string;
  /** <area>/<Action>.yaml: the same path in a later directory is an override, not a conflict. */
  relativePath: string;
  line: number;
}

/** Who claims which name, in the order found; a second claimant at another path is a conflict. */
class Claims {
  readonly #byKey = new Map<string, (Claim & { name: string })[]>();

  readonly #key: (name: string) => string;

  constructor(key: (name: string) => string) {
    this.#key = key;
  }

  add(name: string, claim: Claim): void {
    const claims = this.#byKey.get(this.#key(name)) ?? [];
    // A file claims a name once, however many ways it does.
    if (!claims.some((c) => c.file === claim.file)) claims.push({ ...claim, name });
    this.#byKey.set(this.#key(name), claims);
  }

  conflicts(describe: (name: string) => string, why = ''): LintProblem[] {
    const problems: LintProblem[] = [];
    for (const claims of this.#byKey.values()) {
      const [first, ...others] = claims;
      for (const other of others.filter((o) => o.relativePath !== first!.relativePath)) {
        problems.push({ file: other.file, line: other.line, message: `${describe(other.name)} ${shownPath(first!.file)}${why}` });
      }
    }
    return problems;
  }
}

function entries(dir: string): Dirent[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name));
}

/** Paths under the working directory are shown relative to it, so that editors and CI logs can link them. */
function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

/** Code-unit order: the same on every machine, whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return count === 1 ? one : many;
}
