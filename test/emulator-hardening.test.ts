/**
 * Hostile input cannot reach Object.prototype: a dropped-in descriptor whose paths go through __proto__,
 * constructor or prototype is refused by name, and a body with such keys is kept as plain data. The
 * record of calls is bounded in bytes, and answers carry their length.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, startEmulator, type Emulator, type QianfanClient } from 'qianfan-console';
import { NOTES_ROUTE, notesActions } from './support/notes-actions.js';
import { expectRefusal, send } from './support/emulator-wire.js';

let emulator: Emulator | undefined;
let qf: QianfanClient | undefined;
afterEach(async () => {
  await qf?.close();
  await emulator?.close();
  qf = emulator = undefined;
});

const polluted = (): unknown[] => [({} as Record<string, unknown>)['polluted'], (Object.prototype as unknown as Record<string, unknown>)['polluted']];

const HOSTILE = (action: string, rest: string) => `action: ${action}
route: /v2/notes
summary: ${action} (a hostile test action).
docs: https://example.invalid/doc
idempotent: true
body: {type: object}
result: {type: object}
${rest}`;

describe('prototype pollution', () => {
  it('refuses descriptor paths through __proto__, constructor or prototype by name, and keeps hostile body keys as data', async () => {
    const actions = notesActions({
      'PollutingList.yaml': HOSTILE('PollutingList', 'emulation: {resource: notes, kind: list, items: __proto__.polluted}\n'),
      'PollutingFilter.yaml': HOSTILE('PollutingFilter', 'emulation: {resource: notes, kind: list, items: notes, filters: {constructor.prototype: topic}}\n'),
      'PollutingCreate.yaml': HOSTILE(
        'PollutingCreate',
        'emulation: {resource: notes, kind: create, idField: noteId, idPrefix: n-, defaults: {__proto__: {polluted: yes}}}\n',
      ),
      'PollutingTemplate.yaml': HOSTILE(
        'PollutingTemplate',
        'emulation: {resource: notes, kind: create, idField: noteId, idPrefix: n-, defaults: {copy: $body.__proto__}}\n',
      ),
    });
    emulator = await startEmulator({ env: {}, actionPaths: [actions] });
    await send(emulator, { route: NOTES_ROUTE, action: 'CreateNote', body: { topic: 'a' } });
    for (const [action, segment] of [
      ['PollutingList', '__proto__'],
      ['PollutingFilter', 'constructor'],
      ['PollutingCreate', '__proto__'],
      ['PollutingTemplate', '__proto__'],
    ]) {
      const message = expectRefusal(await send(emulator, { route: NOTES_ROUTE, action }), 500, 'InternalError');
      expect(message, action).toContain(`${action}.yaml`);
      expect(message, action).toContain(segment);
    }
    expect(polluted()).toEqual([undefined, undefined]);

    const hostile = '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "topic": "t"}';
    const created = await send(emulator, { route: NOTES_ROUTE, action: 'CreateNote', rawBody: hostile });
    const noteId = (created.json!['result'] as { noteId: string }).noteId;
    await send(emulator, { route: NOTES_ROUTE, action: 'UpdateNote', rawBody: hostile.replace('"topic"', `"noteId": "${noteId}", "topic"`) });
    const listed = await send(emulator, { route: NOTES_ROUTE, action: 'ListNotes', rawBody: '{"topic": "t", "__proto__": {"topic": "t"}}' });
    const [note] = (listed.json!['result'] as { notes: Array<Record<string, unknown>> }).notes;
    expect(Object.getOwnPropertyNames(note).sort()).toEqual(['__proto__', 'constructor', 'noteId', 'topic']);
    expect(polluted()).toEqual([undefined, undefined]);
    expect(JSON.stringify(emulator.calls.at(-1)!.body)).toBe('{"topic":"t","__proto__":{"topic":"t"}}');
  });
});

describe('limits', () => {
  it('remembers calls up to 8 MiB of bodies, so a flood of refused 1 MB bodies does not pin them all', async () => {
    emulator = await startEmulator({ env: {} });
    for (let i = 0; i < 12; i++) {
      const body = { name: 'flood', model: 'ERNIE-Speed-8K', trainMode: 'SFT', description: String(i % 10).repeat(1_000_000) };
      expectRefusal(await send(emulator, { action: 'CreateFineTuningJob', body }), 400, 'InappropriateJSON');
    }
    const calls = emulator.calls;
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThanOrEqual(8);
    expect((calls.at(-1)!.body as { description: string }).description[0]).toBe('1');
    // Small calls are still remembered by count.
    qf = createClient({ accessKey: emulator.accessKey, secretKey: emulator.secretKey, baseUrl: emulator.url });
    for (let i = 0; i < 20; i++) await qf.callAction('/v2/finetuning', 'DescribeFineTuningJobs', { maxKeys: i + 1 });
    expect(emulator.calls.slice(-20).map((c) => (c.body as { maxKeys: number }).maxKeys)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    emulator.reset();
    expect(emulator.calls).toEqual([]);
  });

  it('answers with content-length, not a chunked stream', async () => {
    emulator = await startEmulator({ env: {} });
    for (const response of [await send(emulator, {}), await send(emulator, { action: 'NoSuchAction' })]) {
      expect(response.headers['transfer-encoding']).toBeUndefined();
      expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.text));
    }
  });
});
