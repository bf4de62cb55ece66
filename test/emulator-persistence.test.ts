/**
 * The --state file as a journal: each change is one appended line and the snapshot is not rewritten;
 * what was acknowledged survives a crash at any point, including between the two renames of a
 * compaction, with a torn last line, or with a temporary file left behind; the journal is compacted
 * when it outgrows the snapshot; and a file held by a running emulator is refused to a second one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, createClient, startEmulator, type Emulator, type QianfanClient } from 'qianfan-console';
import { runCliProcess } from './support/cli-process.js';
import { serveEmulator } from './support/cli-emulator.js';
import { NOTES_ROUTE, notesActions } from './support/notes-actions.js';

const actions = notesActions();
const started: Emulator[] = [];
const clients: QianfanClient[] = [];

async function open(statePath: string): Promise<{ emulator: Emulator; call: (action: string, body?: object) => Promise<any> }> {
  const emulator = await startEmulator({ env: {}, statePath, actionPaths: [actions] });
  started.push(emulator);
  const qf = createClient({ accessKey: emulator.accessKey, secretKey: emulator.secretKey, baseUrl: emulator.url, actionPaths: [actions], maxAttempts: 1 });
  clients.push(qf);
  return { emulator, call: async (action, body = {}) => (await qf.callAction(NOTES_ROUTE, action, body as never)).result };
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(started.splice(0).map((e) => e.close()));
});

/** What a crash would leave: the state file and its journal, copied while the emulator still runs. */
function crashCopy(statePath: string, name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'qf-crash-')), name);
  mkdirSync(dir);
  const copy = join(dir, 'state.json');
  copyFileSync(statePath, copy);
  if (existsSync(`${statePath}.journal`)) copyFileSync(`${statePath}.journal`, `${copy}.journal`);
  return copy;
}

const ids = async (call: (action: string, body?: object) => Promise<any>, body: object = {}) =>
  ((await call('ListNotes', { maxKeys: 1000, ...body })).notes as Array<{ noteId: string }>).map((n) => n.noteId);

describe('the state journal', () => {
  it('appends one line per change without rewriting the snapshot, and a crash loses nothing acknowledged', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'qf-journal-')), 'state.json');
    const { call } = await open(statePath);
    const snapshotAtStart = readFileSync(statePath, 'utf8');
    expect(JSON.parse(snapshotAtStart)).toMatchObject({ format: 'qianfan-console-emulator-state', version: 1, resources: {} });
    const [a, b, c] = [
      (await call('CreateNote', { text: 'a' })).noteId,
      (await call('CreateNote', { text: 'b' })).noteId,
      (await call('CreateNote', { text: 'c' })).noteId,
    ];
    const comment = (await call('CreateComment', { noteId: b, mood: 'ok' })).commentId;
    await call('UpdateNote', { noteId: a, text: 'a2' });
    await call('DeleteNote', { noteId: b });

    expect(readFileSync(statePath, 'utf8')).toBe(snapshotAtStart);
    const lines = readFileSync(`${statePath}.journal`, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ format: 'qianfan-console-emulator-journal', version: 1 });
    expect(lines.slice(1).map((entry) => Object.keys(entry)[0])).toEqual(['put', 'put', 'put', 'put', 'put', 'remove']);
    // Deleting the note took its comment with it, and the journal names both.
    expect(lines[6]).toEqual({
      remove: [
        ['notes', b],
        ['comments', comment],
      ],
    });

    const after = await open(crashCopy(statePath, 'crashed'));
    expect(await ids(after.call)).toEqual([a, c]);
    expect((await after.call('ListNotes', {})).notes[0]).toMatchObject({ noteId: a, text: 'a2' });
    const d = (await after.call('CreateNote', { text: 'd' })).noteId;
    expect(await ids(after.call)).toEqual([a, c, d]);
  });

  it('a crash between the snapshot rename and the journal rename, a torn last line and a stale temporary file all reload exactly', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'qf-journal-')), 'state.json');
    const first = await open(statePath);
    const created: string[] = [];
    for (const topic of ['x', 'y', 'x', 'y']) created.push((await first.call('CreateNote', { topic })).noteId);
    await first.call('DeleteNote', { noteId: created[1] });
    await first.call('UpdateNote', { noteId: created[0], topic: 'z' });
    const oldJournal = readFileSync(`${statePath}.journal`, 'utf8');
    // A graceful close compacts: the whole state in the snapshot, an empty journal.
    await first.emulator.close();
    expect(readFileSync(`${statePath}.journal`, 'utf8').trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(readFileSync(statePath, 'utf8')).resources.notes.map((n: { id: string }) => n.id)).toEqual([created[0], created[2], created[3]]);

    // The new snapshot with the old journal still beside it, plus the temporary file of an interrupted write.
    const between = crashCopy(statePath, 'between-renames');
    writeFileSync(`${between}.journal`, oldJournal);
    const temporary = join(between, '..', '.state.json.4242.deadbeef.tmp');
    writeFileSync(temporary, '{"format": "qianfan-console-emulator-state", "vers');
    const replayed = await open(between);
    expect(existsSync(temporary)).toBe(false);
    expect(await ids(replayed.call)).toEqual([created[0], created[2], created[3]]);
    expect(await ids(replayed.call, { topic: 'y' })).toEqual([created[3]]);
    expect((await replayed.call('ListNotes', { topic: 'z' })).notes).toEqual([{ noteId: created[0], topic: 'z' }]);
    const next = (await replayed.call('CreateNote', { topic: 'y' })).noteId;
    expect(await ids(replayed.call, { topic: 'y' })).toEqual([created[3], next]);

    // A journal whose last append was cut short: the torn line was never acknowledged and is dropped.
    const torn = crashCopy(statePath, 'torn');
    writeFileSync(`${torn}.journal`, oldJournal + '{"put":"notes","record":{"id":"note-torn');
    const reloaded = await open(torn);
    expect(await ids(reloaded.call)).toEqual([created[0], created[2], created[3]]);
    expect(readFileSync(`${torn}.journal`, 'utf8')).not.toContain('note-torn');
  });

  it('compacts the journal into the snapshot once it outgrows it', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'qf-journal-')), 'state.json');
    const { call } = await open(statePath);
    const created: string[] = [];
    // Twelve 100 kB notes pass the 1 MiB floor.
    for (let i = 0; i < 12; i++) created.push((await call('CreateNote', { text: String(i).repeat(100_000) })).noteId);
    expect(statSync(`${statePath}.journal`).size).toBeLessThan(300_000);
    const snapshot = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(snapshot.resources.notes.length).toBeGreaterThanOrEqual(10);
    const after = await open(crashCopy(statePath, 'compacted'));
    expect(await ids(after.call)).toEqual(created);
  });

  it('a process killed while writing and compacting loses no acknowledged write, and its stale lock is taken over', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'qf-journal-')), 'state.json');
    // A child that creates 100 kB notes (a compaction every dozen) and prints each id once it is acknowledged.
    const script = `
      const { startEmulator, createClient } = await import('qianfan-console');
      const emulator = await startEmulator({ env: {}, statePath: ${JSON.stringify(statePath)}, actionPaths: [${JSON.stringify(actions)}] });
      const qf = createClient({ accessKey: emulator.accessKey, secretKey: emulator.secretKey, baseUrl: emulator.url, actionPaths: [${JSON.stringify(actions)}] });
      for (let i = 0; ; i++) {
        const { result } = await qf.callAction('${NOTES_ROUTE}', 'CreateNote', { text: String(i % 10).repeat(100000) });
        process.stdout.write(result.noteId + '\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    const acknowledged: string[] = [];
    await new Promise<void>((resolve, reject) => {
      let pending = '';
      child.once('exit', (code) => reject(new Error(`the child exited with ${code} before it was killed`)));
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop()!;
        acknowledged.push(...lines);
        if (acknowledged.length >= 40) {
          child.removeAllListeners('exit');
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }
      });
    });
    expect(existsSync(`${statePath}.lock`)).toBe(true);
    const { call } = await open(statePath);
    const listed = await ids(call);
    // Everything acknowledged is there, in order; at most the one write in flight at the kill may be there too.
    expect(listed.slice(0, acknowledged.length)).toEqual(acknowledged);
    expect(listed.length - acknowledged.length).toBeLessThanOrEqual(1);
    expect(readdirSync(join(statePath, '..')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a loaded document is journalled whole: a crash right after load() reloads it, creation numbers included', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'qf-journal-')), 'state.json');
    const { emulator, call } = await open(statePath);
    const before = (await call('CreateNote', { text: 'before' })).noteId;
    const seed = {
      format: 'qianfan-console-emulator-state',
      version: 1,
      nextSeq: 50,
      resources: {
        notes: [
          { id: 'note-seeded000002', seq: 7, data: { noteId: 'note-seeded000002' } },
          { id: 'note-seeded000001', seq: 3, data: { noteId: 'note-seeded000001' } },
        ],
      },
    } as const;
    emulator.load(seed as never);
    const after = await open(crashCopy(statePath, 'loaded'));
    expect(await ids(after.call)).toEqual(['note-seeded000001', 'note-seeded000002']);
    expect(await ids(after.call)).not.toContain(before);
    await after.call('CreateNote', { text: 'next' });
    expect(after.emulator.snapshot().resources['notes']!.map((record) => record.seq)).toEqual([3, 7, 50]);
  });

  it('refuses a journal that is not its own and leaves it as it is', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'qf-journal-')), 'state.json');
    writeFileSync(`${statePath}.journal`, 'my own notes\nnot a journal\n');
    const error = await startEmulator({ env: {}, statePath }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'StateFileRefused' });
    expect((error as Error).message).toContain(`${statePath}.journal`);
    expect(readFileSync(`${statePath}.journal`, 'utf8')).toBe('my own notes\nnot a journal\n');
    expect(existsSync(statePath)).toBe(false);
    expect(existsSync(`${statePath}.lock`)).toBe(false);
  });
});

describe('the state lock', () => {
  it('a second emulator on the same file is refused while the first runs, and may start once it has stopped', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'qf-lock-')), 'state.json');
    const first = await open(statePath);
    const noteId = (await first.call('CreateNote', { text: 'kept' })).noteId;
    const error = await startEmulator({ env: {}, statePath }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'StateFileLocked' });
    expect((error as Error).message).toContain(`in use by another emulator (process ${process.pid}`);
    expect(await ids(first.call)).toEqual([noteId]);
    await first.emulator.close();
    expect(existsSync(`${statePath}.lock`)).toBe(false);
    expect(await ids((await open(statePath)).call)).toEqual([noteId]);
  });

  it('takes over a lock whose process is gone', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'qf-lock-')), 'state.json');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${statePath}.lock`, `${gone.stdout}\n`);
    const { emulator } = await open(statePath);
    expect(readFileSync(`${statePath}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    await emulator.close();
    expect(readdirSync(join(statePath, '..')).sort()).toEqual(['state.json', 'state.json.journal']);
  });

  it('serve on a file another serve holds exits 1 with a clear message', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'qf-lock-')), 'state.json');
    const keys = { accessKey: 'ALTAKlockTestAccessKey', secretKey: 'lock-test-secret-key' };
    const served = await serveEmulator(['--state', statePath], keys);
    try {
      const second = await runCliProcess(['serve', '--port', '0', '--state', statePath]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`${statePath} is in use by another emulator`);
    } finally {
      await served.stop();
    }
  });
});
