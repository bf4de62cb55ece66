/**
 * Compiling JSON Schemas with ajv. ajv costs tens of milliseconds to load and to make its first
 * compile, so it is imported only when a schema without a precompiled validator is first needed,
 * and every compiled validator is kept for the life of the process.
 */
import type { ErrorObject } from 'ajv';
import { useLengthShortcut } from './length-keywords.js';
import { linearRegExp } from './linear-regexp.js';
import { requireBundled } from './vendored.js';

export type JsonSchema = Record<string, unknown>;

/** A compiled validator: true when valid, else ajv's error objects. */
export type SchemaCheck = (data: unknown) => true | readonly SchemaFailure[];

export interface SchemaFailure {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
}

/** Keywords our descriptors may carry besides JSON Schema's own. */
export const EXTRA_KEYWORDS = ['x-sensitive'] as const;

type AjvInstance = import('ajv').default;

let bodyAjv: AjvInstance | undefined;

/**
 * An ajv instance in strict mode that reports every error, never coerces types, fills defaults only when
 * asked (useDefaults), and counts only a value's own properties (`required: [toString]` is not met by `{}`). Patterns run in
 * linear time (linear-regexp.ts). The generated source is kept only to write standalone code at build.
 */
export function strictAjv(options: { useDefaults?: boolean; keepSource?: boolean; checkSchemas?: boolean; trustedPatterns?: boolean } = {}): AjvInstance {
  // ajv is a CommonJS package; require keeps its cost out of start-up until this point.
  const ajvModule = requireBundled<typeof import('ajv')>('ajv');
  const ajv = new ajvModule.default({
    strict: true,
    allErrors: true,
    useDefaults: options.useDefaults ?? false,
    coerceTypes: false,
    ownProperties: true,
    // Checking each schema against the draft-07 meta-schema first costs a compile of that meta-schema
    // (over 100 ms on a busy machine) on a dropped-in action's first call; lint checks schemas instead.
    validateSchema: options.checkSchemas ?? false,
    // trustedPatterns: our own schema's patterns (the descriptor format's), simple and reviewed, run on
    // the native engine; that spares loading re2js when a descriptor is checked.
    code: { source: options.keepSource ?? false, ...(options.trustedPatterns ? {} : { regExp: linearRegExp() }) },
  });
  for (const keyword of EXTRA_KEYWORDS) ajv.addKeyword(keyword);
  useLengthShortcut(ajv, ajvModule);
  return ajv;
}

/**
 * Compiles made by one ajv instance before the next is taken. An instance keeps code-generation state
 * for every schema it compiled (about 4 KB each) for as long as it lives; validators do not need it, so
 * a fresh instance now and then lets that state go with the old one: ~1.4 MB per 1,000 small dropped-in
 * schemas instead of ~4 MB, and no slower (a new instance costs about a millisecond).
 */
const COMPILES_PER_AJV = 64;
let compilesByThisAjv = 0;

export function compileSchema(schema: JsonSchema): SchemaCheck {
  if (!bodyAjv || compilesByThisAjv >= COMPILES_PER_AJV) {
    bodyAjv = strictAjv();
    compilesByThisAjv = 0;
  }
  compilesByThisAjv++;
  return wrap(bodyAjv.compile(schema));
}

/** Why ajv refused to compile a schema, without the "strict mode: " prefix of its strict-mode refusals. */
export function compileFailureReason(error: unknown): string {
  return (error as Error).message.replace(/^strict mode: /, '');
}

export function wrap(validate: { (data: unknown): boolean; errors?: ErrorObject[] | null }): SchemaCheck {
  return (data) => (validate(data) ? true : ((validate.errors ?? []) as SchemaFailure[]));
}
