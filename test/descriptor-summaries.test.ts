/**
 * What `list` reads: summary, pagination and waiter names from the file's lines when it is in the
 * plain form, else from a full parse, with the same answer either way; and the did-you-mean of an
 * undescribed action reads a bounded part of its area.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DescriptorStore } from '../src/descriptors/store.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'qianfan-summaries-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const head = (action: string, summary: string) =>
  `action: ${action}\nroute: /v2/widgets\nsummary: ${summary}\ndocs: https://example.com/w\nidempotent: true\nbody: { type: object }\nresult: { type: object, properties: { s: { type: string } } }\n`;

describe('store.summaries', () => {
  it('gives what a full parse gives, for plain files and for those it must parse', () => {
    const dir = dirWith({
      'widgets/ListWidgets.yaml': `${head('ListWidgets', 'List widgets.')}pagination: { items: s }\nwaiters:\n  WidgetReady:\n    summary: Wait.\n    status: s\n    success: [Ready]\n  # a comment\n  WidgetGone: { summary: Gone., status: s, success: [Gone] }\n`,
      'widgets/QuotedWidget.yaml': head('QuotedWidget', '"Quoted: with a colon"'),
      'widgets/FoldedWidget.yaml': head('FoldedWidget', '>-\n  Folded over\n  two lines.'),
      'widgets/FlowWaiters.yaml': `${head('FlowWaiters', 'Flow waiters.')}waiters: { Done: { summary: D., status: s, success: [x] } }\n`,
    });
    const store = new DescriptorStore([dir]);
    const fast = store.summaries('widgets').map(({ action, summary, pages, waiters }) => ({ action, summary, pages, waiters }));
    const full = store.list('widgets').map((entry) => {
      const { descriptor } = store.load(entry);
      return {
        action: descriptor.action,
        summary: descriptor.summary,
        pages: descriptor.pagination !== undefined,
        waiters: Object.keys(descriptor.waiters ?? {}),
      };
    });
    expect(fast).toEqual(full);
    expect(fast.map((a) => a.summary)).toEqual(['Flow waiters.', 'Folded over two lines.', 'List widgets.', 'Quoted: with a colon']);
    expect(fast.find((a) => a.action === 'ListWidgets')?.waiters).toEqual(['WidgetReady', 'WidgetGone']);
  });

  it('reads only the summary fields of a plain file, without parsing or checking the rest', () => {
    const dir = dirWith({ 'widgets/DescribeWidget.yaml': `${head('DescribeWidget', 'Show one widget.')}examples: [unclosed\n` });
    const store = new DescriptorStore([dir]);
    expect(store.summaries('widgets')).toEqual([expect.objectContaining({ action: 'DescribeWidget', summary: 'Show one widget.', pages: false, waiters: [] })]);
  });
});

describe('store.someActionNames', () => {
  it('reads at most 1,000 entries of an area directory', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) files[`widgets/Act${i}.yaml`] = '';
    const store = new DescriptorStore([dirWith(files)]);
    const names = store.someActionNames('widgets');
    expect(names).toHaveLength(1000);
    expect(names.every((n) => /^Act\d+$/.test(n))).toBe(true);
  });
});
