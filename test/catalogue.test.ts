/** The catalogue as public API: openCatalogue without a client, client.catalogue, and the waiters over either. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, findWaiter, listWaiters, openCatalogue, parseActionName, ValidationError } from 'qianfan-console';
import { actionDir } from './support/action-dir.js';

const NOTES = actionDir({
  notes: {
    'DescribeNote.yaml': `action: DescribeNote
route: /v2/notes
summary: one note
docs: https://example.invalid/doc
idempotent: true
body: {type: object, additionalProperties: false, required: [noteId], properties: {noteId: {type: string}}}
result: {type: object, properties: {state: {type: string}}}
waiters:
  NoteWritten: {summary: until the note is written, status: state, success: [Written], failure: [Lost], intervalMs: 10, timeoutMs: 100}
`,
  },
});
const OVERRIDE = actionDir({
  finetuning: {
    'StopFineTuningTask.yaml': `action: StopFineTuningTask
route: /v2/finetuning
summary: overridden
docs: https://example.invalid/doc
idempotent: true
body: {type: object}
result: {type: boolean}
`,
  },
});

describe('openCatalogue', () => {
  it('reads the built-in actions, then QIANFAN_ACTIONS_PATH, then actionPaths, as a client with the same options does', () => {
    const catalogue = openCatalogue({ env: { QIANFAN_ACTIONS_PATH: NOTES }, actionPaths: [OVERRIDE] });
    expect(catalogue.searchPath.slice(1)).toEqual([NOTES, OVERRIDE]);
    const note = catalogue.find(parseActionName('notes', 'DescribeNote'));
    expect(note?.descriptor.summary).toBe('one note');
    expect(note?.source).toEqual({ file: join(NOTES, 'notes', 'DescribeNote.yaml'), layer: 1 });
    expect(catalogue.find(parseActionName('finetuning', 'StopFineTuningTask'))?.descriptor.summary).toBe('overridden');
    expect(catalogue.find(parseActionName('finetuning', 'NoSuchAction'))).toBeUndefined();
    const [entry] = catalogue.list('notes');
    expect(entry).toMatchObject({ route: '/v2/notes', action: 'DescribeNote', layer: 1 });
    expect(catalogue.load(entry!).descriptor.action).toBe('DescribeNote');

    const client = createClient({ env: { QIANFAN_ACTIONS_PATH: NOTES }, actionPaths: [OVERRIDE] });
    expect(client.catalogue.searchPath).toEqual(catalogue.searchPath);
    expect(client.catalogue.list().map((e) => `${e.route} ${e.action}`)).toEqual(catalogue.list().map((e) => `${e.route} ${e.action}`));
  });

  it('without options reads only the built-in actions, unless QIANFAN_ACTIONS_PATH is set', () => {
    const builtIn = openCatalogue({ env: {} });
    expect(builtIn.searchPath).toHaveLength(1);
    expect(builtIn.list('notes')).toEqual([]);
    expect(builtIn.list('finetuning').map((e) => e.action)).toContain('DescribeFineTuningTask');
  });

  it('finds and lists waiters over a catalogue, and names the known ones for an unknown waiter', () => {
    const catalogue = openCatalogue({ env: { QIANFAN_ACTIONS_PATH: NOTES } });
    const found = findWaiter(catalogue, 'NoteWritten', 'notes');
    expect(found.waiter.success).toEqual(['Written']);
    expect(found.action.descriptor.action).toBe('DescribeNote');
    expect(listWaiters(catalogue, 'notes')).toEqual([{ name: 'NoteWritten', route: '/v2/notes', action: 'DescribeNote', waiter: found.waiter }]);
    expect(() => findWaiter(catalogue, 'NoteWriten', 'notes')).toThrow(ValidationError);
    expect(() => findWaiter(catalogue, 'NoteWriten', 'notes')).toThrow(/NoteWritten \(\/v2\/notes\)/);
  });
});
