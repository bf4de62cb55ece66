/** The command's table layout at a given width: a pure function, so tested directly. */
import { describe, expect, it } from 'vitest';
import { renderTable } from '../src/cli/table.js';

const PROSE = 'a long description that goes on and on to see how the table wraps free text';
const HEADER = ['JOBID', 'DESCRIPTION', 'CREATEDATE', 'NAME', 'MODEL', 'TRAINMODE'];
const ROWS = [
  ['job-9xmzh2qwlfio', PROSE, '2026-12-02T05:38:23Z', 'sft-job-1', 'ERNIE-Speed-8K', 'SFT'],
  ['job-yvny8rwgcgs7', '', '2026-12-02T05:38:24Z', 'sft-job-2', 'ERNIE-Speed-8K', 'SFT'],
];

describe('renderTable', () => {
  it('leaves out prose that has no room rather than breaking timestamps and model names, and says so', () => {
    const lines = renderTable(HEADER, ROWS, 80).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^JOBID\s+CREATEDATE\s+NAME\s+MODEL\s+TRAINMODE$/);
    expect(lines[1]).toMatch(/^job-9xmzh2qwlfio {2}2026-12-02T05:38:23Z {2}sft-job-1 {2}ERNIE-Speed-8K {2}SFT$/);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('(DESCRIPTION left out to fit 80 columns; -o yaml shows every field)');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('keeps prose, wrapped under its column, where it can have its longest word', () => {
    const lines = renderTable(HEADER, ROWS, 100).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^JOBID\s+DESCRIPTION\s+CREATEDATE/);
    expect(lines.some((line) => line.includes('left out'))).toBe(false);
    expect(lines.slice(1).join(' ').replace(/\s+/g, ' ')).toContain('2026-12-02T05:38:23Z');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
  });
});
