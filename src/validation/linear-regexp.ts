/**
 * JSON Schema patterns run on RE2JS, a pure-JavaScript port of RE2 whose matching time is linear in
 * the input: a pattern with catastrophic backtracking (`^(a+)+$`) that slipped past lint cannot stall a
 * call, whatever the body. RE2 has no lookaround or backreferences; a schema using them does not
 * compile, and lint says so. Loaded with ajv, when a schema is first compiled.
 */
import { packageRequire } from '../runtime/require.js';

type RE2JSClass = typeof import('re2js').RE2JS;

/** ajv's code.regExp: a factory of RegExp-like objects, with the source of the same factory for standalone code. */
export interface RegExpEngine {
  (pattern: string, flags: string): { test(text: string): boolean };
  code: string;
}

/**
 * Self-contained on purpose: its source text is written into the precompiled validators (ajv's
 * standalone code), applied there to require("re2js").
 */
function linearRegExpFactory(loadRE2JS: () => RE2JSClass) {
  let RE2JS: RE2JSClass | undefined;
  return function linearRegExp(pattern: string) {
    RE2JS ??= loadRE2JS();
    // translateRegExp turns JavaScript's syntax (\uXXXX, for one) into RE2's.
    const compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
    return { test: (text: string) => compiled.test(text), toString: () => pattern };
  };
}

let engine: RegExpEngine | undefined;

/** The engine; re2js itself is loaded only when a schema with a pattern is first compiled. */
export function linearRegExp(): RegExpEngine {
  engine ??= Object.assign(
    linearRegExpFactory(() => (packageRequire('re2js') as typeof import('re2js')).RE2JS),
    { code: `(${linearRegExpFactory.toString()})(() => require("re2js").RE2JS)` },
  );
  return engine;
}
