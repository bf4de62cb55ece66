import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every relative import and re-export of src/, type-only ones included: a cycle of types still ties modules together. */
function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        const targets = [...readFileSync(path, 'utf8').matchAll(/(?:import|export)[^;]*?from\s+'(\.[^']+)'/g)].map((m) =>
          join(dirname(path), m[1]!.replace(/\.js$/, '.ts')),
        );
        graph.set(path, targets);
      }
    }
  };
  walk(root);
  return graph;
}

describe('src/ module structure', () => {
  it('has no import cycles', () => {
    const graph = importGraph('src');
    const cycles: string[] = [];
    const onPath: string[] = [];
    const finished = new Set<string>();
    const visit = (file: string): void => {
      onPath.push(file);
      for (const next of graph.get(file) ?? []) {
        const at = onPath.indexOf(next);
        if (at >= 0) cycles.push([...onPath.slice(at), next].map((f) => relative('src', f)).join(' -> '));
        else if (!finished.has(next)) visit(next);
      }
      onPath.pop();
      finished.add(file);
    };
    for (const file of graph.keys()) if (!finished.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
