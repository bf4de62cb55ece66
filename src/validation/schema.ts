/**
 * Compiling JSON Schemas with ajv. ajv costs tens of milliseconds to load and to make its first
 * compile, so it is imported only when a schema without a precompiled validator is first needed,
 * and every compiled validator is kept for the life of the process.
 */
import type { ErrorObject } from 'ajv';
import { packageRequire } from '../runtime/require.js';

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

/** An ajv instance in strict mode that reports every error and never coerces types; it fills defaults only when asked (useDefaults). */
export function strictAjv(options: { useDefaults?: boolean } = {}): AjvInstance {
  // ajv is a CommonJS package; require keeps its cost out of start-up until this point.
  const Ajv = packageRequire('ajv') as typeof import('ajv').default;
  const ajv = new Ajv({ strict: true, allErrors: true, useDefaults: options.useDefaults ?? false, coerceTypes: false, code: { source: true } });
  for (const keyword of EXTRA_KEYWORDS) ajv.addKeyword(keyword);
  return ajv;
}

export function compileSchema(schema: JsonSchema): SchemaCheck {
  bodyAjv ??= strictAjv();
  return wrap(bodyAjv.compile(schema));
}

/** Why ajv refused to compile a schema, without the "strict mode: " prefix of its strict-mode refusals. */
export function compileFailureReason(error: unknown): string {
  return (error as Error).message.replace(/^strict mode: /, '');
}

export function wrap(validate: { (data: unknown): boolean; errors?: ErrorObject[] | null }): SchemaCheck {
  return (data) => (validate(data) ? true : ((validate.errors ?? []) as SchemaFailure[]));
}
