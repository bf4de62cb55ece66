import { describe, expect, it } from 'vitest';
import { AbortError, createClient, paginate, paginatePages, resetDefaultClient, ResponseError, ValidationError, type Page } from 'qianfan-console';
import { actionDir } from './support/action-dir.js';
import { consoleLike, useVerifyingServer, type Handler } from './support/verifying-server.js';

const AK = 'ALTAKpaginate000000001';
const SK = 'paginate-secret-key-0000000001';
const server = useVerifyingServer({ [AK]: SK });

const client = () => createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxAttempts: 1 });
const sent = () => server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);

/** `total` ids paged from the marker on, `maxKeys` (default 10) at a time, under result.<listKey>. */
function paged(total: number, listKey = 'jobList'): Handler {
  const ids = Array.from({ length: total }, (_, i) => `id-${i}`);
  return consoleLike((request) => {
    const body = JSON.parse(request.body) as { marker?: string; maxKeys?: number };
    const start = body.marker ? ids.indexOf(body.marker) : 0;
    const size = body.maxKeys ?? 10;
    const next = ids[start + size];
    return { [listKey]: ids.slice(start, start + size).map((id) => ({ id })), pageInfo: { isTruncated: next !== undefined, nextMarker: next ?? '' } };
  });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('paginate', () => {
  it('yields every item across pages, sending each next marker with the rest of the body', async () => {
    server.handler = paged(23);
    const qf = client();
    const items = await collect(paginate<{ id: string }>(qf, '/v2/finetuning', 'DescribeFineTuningJobs', { trainMode: 'SFT' }));
    expect(items.map((i) => i.id)).toEqual(Array.from({ length: 23 }, (_, i) => `id-${i}`));
    expect(sent()).toEqual([{ trainMode: 'SFT' }, { trainMode: 'SFT', marker: 'id-10' }, { trainMode: 'SFT', marker: 'id-20' }]);
    expect(server.requests.every((r) => r.authProblem === null)).toBe(true);
    await qf.close();
  });

  it('pages as pages: numbers, markers, the whole response; and fetches a page only when asked', async () => {
    server.handler = paged(25);
    const qf = client();
    const pages: Page[] = [];
    for await (const page of paginatePages(qf, 'finetuning', 'DescribeFineTuningJobs', {})) {
      pages.push(page);
      if (page.number === 2) break;
    }
    expect(pages.map((p) => [p.number, p.marker, p.nextMarker, p.items.length])).toEqual([
      [1, undefined, 'id-10', 10],
      [2, 'id-10', 'id-20', 10],
    ]);
    expect(pages[0]!.response.requestId).toBe('req-1');
    expect(server.requests).toHaveLength(2);
    await qf.close();
  });

  it('sends pageSize as the limit key, capped at maxLimit, and starts from a marker in the body', async () => {
    server.handler = paged(250);
    const qf = client();
    const pages = await collect(paginatePages(qf, 'finetuning', 'DescribeFineTuningJobs', { marker: 'id-100' }, { pageSize: 500 }));
    expect(sent()[0]).toEqual({ marker: 'id-100', maxKeys: 100 });
    expect(pages.map((p) => p.items.length)).toEqual([100, 50]);
    await expect(collect(paginate(qf, 'finetuning', 'DescribeFineTuningJobs', {}, { pageSize: 0 }))).rejects.toThrow(
      'pageSize must be a positive whole number',
    );
    await qf.close();
  });

  it('ends on a page without isTruncated when there is no next marker, and reads a missing list as empty', async () => {
    server.handler = consoleLike(() => ({ pageInfo: { nextMarker: '' } }));
    const qf = client();
    expect(await collect(paginatePages(qf, 'finetuning', 'DescribeFineTuningJobs', {}))).toHaveLength(1);
    await qf.close();
  });

  it('throws rather than loop when the console repeats a marker or says more without one', async () => {
    const qf = client();
    server.handler = consoleLike((request) => {
      const marker = (JSON.parse(request.body) as { marker?: string }).marker;
      return { jobList: [{ id: marker ?? 'first' }], pageInfo: { isTruncated: true, nextMarker: marker === 'b' ? 'a' : marker === 'a' ? 'b' : 'a' } };
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const item of paginate<{ id: string }>(qf, 'finetuning', 'DescribeFineTuningJobs', {})) seen.push(item.id);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error).toMatchObject({ code: 'RepeatedPageMarker', action: 'DescribeFineTuningJobs', requestId: 'req-1' });
    expect(seen).toEqual(['first', 'a', 'b']);

    server.handler = consoleLike(() => ({ jobList: [], pageInfo: { isTruncated: true, nextMarker: '' } }));
    await expect(collect(paginate(qf, 'finetuning', 'DescribeFineTuningJobs', {}))).rejects.toMatchObject({ name: 'ResponseError', code: 'MissingPageMarker' });
    server.handler = consoleLike(() => ({ jobList: { not: 'a list' } }));
    await expect(collect(paginate(qf, 'finetuning', 'DescribeFineTuningJobs', {}))).rejects.toMatchObject({ code: 'MalformedPage' });
    await qf.close();
  });

  it('stops with AbortError when the signal fires between pages', async () => {
    server.handler = paged(100);
    const qf = client();
    const controller = new AbortController();
    let count = 0;
    const error = await (async () => {
      for await (const _ of paginate(qf, 'finetuning', 'DescribeFineTuningJobs', {}, { signal: controller.signal })) if (++count === 15) controller.abort();
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(server.requests).toHaveLength(2);
    await qf.close();
  });

  it('refuses an action whose descriptor declares no pagination, naming those that page', async () => {
    const qf = client();
    const error = await collect(paginate(qf, 'finetuning', 'DescribeFineTuningTask', { taskId: 't' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems[0]!.message).toContain('DescribeFineTuningJobs, DescribeFineTuningTasks');
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });

  it('follows the paths a dropped-in descriptor declares', async () => {
    const dir = actionDir({
      widgets: {
        'ListWidgets.yaml': `action: ListWidgets
route: /v2/widgets
summary: Widgets, a page at a time.
docs: https://example.invalid/widgets
idempotent: true
body: { type: object, properties: { from: { type: string }, size: { type: integer } } }
result: { type: object }
pagination: { inputToken: from, limitKey: size, maxLimit: 2, outputToken: paging.next, moreResults: paging.more, items: data.widgets }
`,
      },
    });
    let call = 0;
    server.handler = consoleLike(() =>
      call++ === 0 ? { data: { widgets: [1, 2] }, paging: { next: 'w3', more: true } } : { data: { widgets: [3] }, paging: { more: false } },
    );
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, actionPaths: [dir] });
    expect(await collect(paginate(qf, 'widgets', 'ListWidgets', {}, { pageSize: 10 }))).toEqual([1, 2, 3]);
    expect(sent()).toEqual([{ size: 2 }, { size: 2, from: 'w3' }]);
    await qf.close();
  });

  it('uses the default client when no client is given', async () => {
    server.handler = paged(12);
    process.env['QIANFAN_ACCESS_KEY'] = AK;
    process.env['QIANFAN_SECRET_KEY'] = SK;
    process.env['QIANFAN_CONSOLE_API_BASE_URL'] = server.url;
    try {
      expect(await collect(paginate('finetuning', 'DescribeFineTuningJobs'))).toHaveLength(12);
      expect((await collect(paginatePages('finetuning', 'DescribeFineTuningJobs', {}, { pageSize: 5 }))).map((p) => p.items.length)).toEqual([5, 5, 2]);
    } finally {
      delete process.env['QIANFAN_ACCESS_KEY'];
      delete process.env['QIANFAN_SECRET_KEY'];
      delete process.env['QIANFAN_CONSOLE_API_BASE_URL'];
      await resetDefaultClient();
    }
  });
});
