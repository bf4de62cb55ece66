// Build step: the package entry (dist/index.js and what it imports) as one ES module plus lazily loaded
// chunks (the emulator), in dist/bundle/. Importing ~35 small modules one by one costs Node's ES
// module loader about 25 ms on a cold start; one file costs a fraction of that. The other entry points
// (the command, lint, the generator) keep tsc's per-module output: they are separate processes.
// dist/bundle/ sits at the same depth as dist/<module>/, so the relative paths the modules compute
// from import.meta.url (../../actions, ../precompiled, ../../package.json) hold in both layouts.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry a content hash: without a clean slate, old chunks would pile up beside the new ones.
rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: ['dist/index.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
console.log('bundled dist/index.js into dist/bundle/');
