/**
 * Lists page from their marker: order, markers, filters, reverse order and parents behave as before the
 * index, including after updates and deletes in the middle, and a marker that is not an item of the
 * list (deleted, filtered out, another parent's) is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, ServiceError, startEmulator, type Emulator, type QianfanClient } from 'qianfan-console';
import { NOTES_ROUTE, notesActions } from './support/notes-actions.js';

let emulator: Emulator;
let qf: QianfanClient;
const call = async (action: string, body: object = {}): Promise<any> => (await qf.callAction(NOTES_ROUTE, action, body as never)).result;

beforeAll(async () => {
  const actions = notesActions();
  emulator = await startEmulator({ env: {}, actionPaths: [actions] });
  qf = createClient({ accessKey: emulator.accessKey, secretKey: emulator.secretKey, baseUrl: emulator.url, actionPaths: [actions], maxAttempts: 1 });
});
afterAll(async () => {
  await qf.close();
  await emulator.close();
});

/** Every page of a list, following nextMarker, as the pages' ids. */
async function pages(action: string, body: object): Promise<string[][]> {
  const out: string[][] = [];
  let marker: string | undefined;
  for (;;) {
    const result = await call(action, { ...body, ...(marker === undefined ? {} : { marker }) });
    const items = (result.notes ?? result.comments) as Array<{ noteId?: string; commentId?: string }>;
    out.push(items.map((item) => (item.commentId ?? item.noteId)!));
    expect(result.pageInfo.marker).toBe(marker ?? '');
    if (!result.pageInfo.isTruncated) {
      expect(result.pageInfo.nextMarker).toBeUndefined();
      return out;
    }
    marker = result.pageInfo.nextMarker;
    expect(marker).toBeDefined();
  }
}

async function refusedMarker(action: string, body: object): Promise<void> {
  const error = await call(action, body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  expect(error).toMatchObject({ httpStatus: 400, code: 'InvalidParameter' });
}

describe('paged lists', () => {
  const notes: Array<{ id: string; topic: string }> = [];

  it('pages forwards and backwards, filtered or not, in creation order', async () => {
    for (let i = 0; i < 23; i++) {
      const topic = i % 3 === 0 ? 'x' : 'y';
      notes.push({ id: (await call('CreateNote', { topic, i })).noteId, topic });
    }
    const all = notes.map((n) => n.id);
    const xs = notes.filter((n) => n.topic === 'x').map((n) => n.id);
    expect(await pages('ListNotes', { maxKeys: 5 })).toEqual([all.slice(0, 5), all.slice(5, 10), all.slice(10, 15), all.slice(15, 20), all.slice(20)]);
    expect((await pages('ListNotes', { maxKeys: 3, topic: 'x' })).flat()).toEqual(xs);
    expect((await pages('ListNotes', { maxKeys: 3, topic: 'x' }))[0]).toEqual(xs.slice(0, 3));
    expect((await pages('ListNotes', { maxKeys: 4, pageReverse: true })).flat()).toEqual([...all].reverse());
    expect((await pages('ListNotes', { maxKeys: 2, pageReverse: true, topic: ['x'] })).flat()).toEqual([...xs].reverse());
    // A page that ends exactly at the end of the list says it is the last.
    expect(await pages('ListNotes', { maxKeys: 8, topic: 'x' })).toEqual([xs]);
  });

  it('keeps a record in its place when it changes, and continues past a deleted one', async () => {
    const all = notes.map((n) => n.id);
    await call('UpdateNote', { noteId: all[4], note: 'changed' });
    const first = await call('ListNotes', { maxKeys: 6 });
    expect(first.notes.map((n: { noteId: string }) => n.noteId)).toEqual(all.slice(0, 6));
    expect(first.notes[4]).toMatchObject({ note: 'changed' });
    await call('DeleteNote', { noteId: all[7] });
    const second = await call('ListNotes', { maxKeys: 6, marker: first.pageInfo.nextMarker });
    expect(second.notes.map((n: { noteId: string }) => n.noteId)).toEqual([all[6], ...all.slice(8, 13)]);
    await refusedMarker('ListNotes', { marker: all[7] });
    notes.splice(7, 1);
  });

  it('refuses a marker that is not an item of this list', async () => {
    const y = notes.find((n) => n.topic === 'y')!.id;
    await refusedMarker('ListNotes', { topic: 'x', marker: y });
    await refusedMarker('ListNotes', { marker: 'note-000000000000' });
    await refusedMarker('ListNotes', { marker: 7 });
  });

  it("lists a parent's children only, with markers of their own", async () => {
    const [a, b] = [notes[0]!.id, notes[1]!.id];
    const ofA: string[] = [];
    for (let i = 0; i < 7; i++) {
      ofA.push((await call('CreateComment', { noteId: a, mood: i % 2 ? 'sad' : 'glad' })).commentId);
      await call('CreateComment', { noteId: b, mood: 'glad' });
    }
    expect(await pages('ListComments', { noteId: a, maxKeys: 3 })).toEqual([ofA.slice(0, 3), ofA.slice(3, 6), ofA.slice(6)]);
    expect((await pages('ListComments', { noteId: a, maxKeys: 2, mood: 'sad', pageReverse: true })).flat()).toEqual([ofA[5], ofA[3], ofA[1]]);
    expect((await pages('ListComments', { maxKeys: 100 })).flat()).toHaveLength(14);
    const ofB = (await call('ListComments', { noteId: b })).comments.map((c: { commentId: string }) => c.commentId);
    await refusedMarker('ListComments', { noteId: a, marker: ofB[0] });
    // Deleting the parent takes its children: they leave every list.
    await call('DeleteNote', { noteId: a });
    expect((await pages('ListComments', { maxKeys: 100 })).flat()).toEqual(ofB);
  });
});
