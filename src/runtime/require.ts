/**
 * How the library loads modules it may not need at start-up. An `import` runs when the package is
 * imported; `packageRequire` runs when a call first reaches it. So ajv, yaml, undici and node:crypto
 * are required where they are first used, and importing the package costs none of them.
 *
 * node:fs is required too: an ES import of node:fs builds the module's whole namespace, and with it
 * Node's stream modules (about 3 ms of start-up) that the library never uses.
 *
 * Every module of the package sits one folder below dist/ (dist/<area>/ or dist/bundle/), so a path
 * such as ../precompiled/x.cjs means the same file from here as from the module that asks for it.
 */
import { createRequire } from 'node:module';

export const packageRequire = createRequire(import.meta.url);

export const fs = packageRequire('node:fs') as typeof import('node:fs');
