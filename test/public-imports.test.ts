/**
 * The command, the MCP server and the emulator's command line are programs built on the package, so
 * they use its public entry (src/index.ts) and nothing else of the library: what they need that is
 * missing there is missing for every user too. A static scan, as import-cycles.test.ts does.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const PUBLIC_ENTRY = 'src/index.ts';

/** Every relative specifier of a file: imports, re-exports (type-only ones included) and dynamic import(). */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)[^;]*?from\s+'(\.[^']+)'/g), ...text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => relative('.', join(dirname(file), specifier.replace(/\.js$/, '.ts'))));
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The imports of these files that reach into the library: anything but the public entry, the program's
 * own folder, and the other programs the command starts (they are programs, not library).
 */
function internalImports(files: string[], ownFolder: string, programs: readonly string[] = []): string[] {
  return files.flatMap((file) =>
    relativeImports(file)
      .filter((target) => target !== PUBLIC_ENTRY && !target.startsWith(`${ownFolder}/`) && !programs.includes(target))
      .map((target) => `${file} imports ${target}`),
  );
}

describe('programs built on the package use its public entry only', () => {
  it('the command (src/cli) imports the library through src/index.ts', () => {
    const programs = ['src/mcp/server.ts', 'src/emulator/cli.ts', 'src/lint/lint.ts'];
    expect(internalImports(sourcesUnder('src/cli'), 'src/cli', programs)).toEqual([]);
  });

  it('the MCP server (src/mcp) imports the library through src/index.ts', () => {
    expect(internalImports(sourcesUnder('src/mcp'), 'src/mcp')).toEqual([]);
  });

  it("the emulator's command line (src/emulator/cli.ts) imports the library through src/index.ts", () => {
    expect(internalImports(['src/emulator/cli.ts'], 'src/emulator')).toEqual([]);
  });

  it('the scan sees static, type-only and dynamic imports', () => {
    // Guards the scan itself: the command's entry loads its commands with import().
    expect(relativeImports('src/cli/command-table.ts')).toContain('src/cli/commands/call.ts');
    expect(relativeImports('src/cli/context.ts')).toContain(PUBLIC_ENTRY);
  });
});
