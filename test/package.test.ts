/**
 * The package as another project meets it: the `npm pack` tarball unpacked into a fresh consumer
 * project, loaded with require() and with import, and called from TypeScript compiled as CommonJS and
 * as ESM, against the emulator. The consumer's dependencies are links to this worktree's node_modules,
 * so the test needs no registry. The tarball must carry every document the README links to.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from 'qianfan-console';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const work = mkdtempSync(join(tmpdir(), 'qf-package-'));
const consumer = join(work, 'consumer');
let emulator: Awaited<ReturnType<typeof startEmulator>>;
/** What `npm pack` packed: the tarball's name and its files. */
let packed: PackEntry | undefined;

interface PackEntry {
  filename: string;
  files: { path: string }[];
}

const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
// Asynchronous: the emulator answers from this process's event loop.
const node = async (args: string[], extraEnv: Record<string, string> = {}): Promise<string> =>
  (await promisify(execFile)(process.execPath, args, { cwd: consumer, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...extraEnv } })).stdout;
const CALL = `
import { createClient } from 'qianfan-console';
const client = createClient({ accessKey: process.env['AK']!, secretKey: process.env['SK']!, baseUrl: process.env['URL']! });
client.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: process.env['JOB']!, model: 'ERNIE-Speed-8K', trainMode: 'SFT' }).then(async (res) => {
  console.log(JSON.stringify(res.result));
  await client.close();
});
`;

/** The consumer projects TypeScript compiles a call in: the module setting, the source file and what it compiles to. */
const PROJECTS = [
  { label: 'CommonJS (module commonjs)', dir: 'cjs', module: 'commonjs', source: 'call.ts', output: 'call.js' },
  { label: 'CommonJS (module nodenext, type commonjs)', dir: 'nodenext-cjs', module: 'nodenext', source: 'call.ts', output: 'call.js' },
  { label: 'ESM (module nodenext, .mts)', dir: 'nodenext-esm', module: 'nodenext', source: 'call.mts', output: 'call.mjs' },
] as const;

/**
 * Writes the three projects and compiles them with one `tsc --build`, which parses the libraries'
 * declarations once for all three (about half the CPU of three tsc processes). skipLibCheck: the build
 * already checks the package's declarations; here what matters is whether the consumer's own file compiles.
 */
async function compileProjects(): Promise<void> {
  for (const project of PROJECTS) {
    const dir = join(consumer, project.dir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, project.source), CALL);
    const compilerOptions = {
      strict: true,
      skipLibCheck: true,
      target: 'es2022',
      module: project.module,
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules', '@types')],
      outDir: '.',
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: [project.source] }));
  }
  try {
    await promisify(execFile)(process.execPath, [TSC, '--build', ...PROJECTS.map((p) => p.dir)], { cwd: consumer, encoding: 'utf8' });
  } catch (error) {
    throw new Error(`tsc --build failed:\n${(error as { stdout?: string }).stdout ?? error}`);
  }
}

beforeAll(async () => {
  // --ignore-scripts: the test runs after `npm run build`; packing must not rebuild under it.
  [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT)) as PackEntry[];
  const modules = join(consumer, 'node_modules');
  mkdirSync(modules, { recursive: true });
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'commonjs' }));
  execFileSync('tar', ['-xzf', join(work, packed!.filename), '-C', modules]);
  execFileSync('mv', [join(modules, 'package'), join(modules, 'qianfan-console')]);
  const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(dependencies)) {
    mkdirSync(dirname(join(modules, name)), { recursive: true }); // a scoped name (@scope/pkg) needs its scope folder
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  [emulator] = await Promise.all([startEmulator({ env: {} }), compileProjects()]);
}, 120_000);

afterAll(async () => {
  await emulator?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed package in a consumer project', () => {
  it.each([
    ['qianfan-console', ['callAction', 'createClient']],
    ['qianfan-console/testing', ['mockClient', 'qianfanMatchers']], // for jest in CommonJS projects too
  ])('%s loads with require() and with import, the same API either way', async (entry, names) => {
    const required = await node(['-e', `console.log(Object.keys(require('${entry}')).sort().join(','))`]);
    const imported = await node([
      '--input-type=module',
      '-e',
      `const m = await import('${entry}'); console.log(Object.keys(m).filter((k) => k !== 'default').sort().join(','))`,
    ]);
    for (const name of names) expect(required).toContain(name);
    expect(required).toBe(imported);
  });

  it.concurrent.each(PROJECTS)('TypeScript compiles a call as $label and the output calls the emulator', async ({ dir, source, output }) => {
    const compiled = readFileSync(join(consumer, dir, output), 'utf8');
    expect(compiled).toMatch(source.endsWith('.mts') ? /from 'qianfan-console'/ : /require\("qianfan-console"\)/);
    const job = `app-${dir}`;
    const printed = await node([join(consumer, dir, output)], { AK: emulator.accessKey, SK: emulator.secretKey, URL: emulator.url, JOB: job });
    expect(JSON.parse(printed)).toEqual({ jobId: expect.stringMatching(/^job-/) });
  });

  it('carries the LICENSE and every document the README links to', () => {
    const files = new Set(packed!.files.map((f) => f.path));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/.test(target));
    expect(linked).toContain('docs/cli.md');
    for (const target of [...linked, 'LICENSE', 'README.md']) expect(files, target).toContain(target);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
  });
});
