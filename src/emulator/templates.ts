/**
 * The template values of emulation blocks: a string that is exactly `$now`, `$id`, `$randomHex`, `$body`,
 * `$body.a.b`, `$parent.a` or `$record.a` is replaced by that value; `$$x` stands for the text `$x`.
 * Only whole strings are templates, so no text is ever spliced into another.
 */
import { randomBytes } from 'node:crypto';
import { formatTimestamp } from '../signing/bce-auth-v1.js';
import { forbiddenSegment, readPath } from './dotted.js';

export interface TemplateContext {
  nowMs: number;
  id?: string | undefined;
  body?: Record<string, unknown> | undefined;
  parent?: Record<string, unknown> | undefined;
  record?: Record<string, unknown> | undefined;
}

const SOURCES = ['body', 'parent', 'record'] as const;
const TEMPLATE = /^\$(now|id|randomHex|body|parent|record)(?:\.([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*))?$/;

/** Why a template string cannot be read, or undefined when it can (or is no template). */
function templateProblem(text: string): string | undefined {
  if (!text.startsWith('$') || text.startsWith('$$')) return undefined;
  const m = TEMPLATE.exec(text);
  if (!m)
    return `${JSON.stringify(text)} is not a template; use $now, $id, $randomHex, $body.<field>, $parent.<field> or $record.<field> (or $$ for a literal $)`;
  if ((m[1] === 'now' || m[1] === 'id' || m[1] === 'randomHex') && m[2] !== undefined) return `${JSON.stringify(text)}: $${m[1]} has no fields`;
  if ((m[1] === 'parent' || m[1] === 'record') && m[2] === undefined) return `${JSON.stringify(text)}: name a field, e.g. $${m[1]}.name`;
  const forbidden = m[2] === undefined ? undefined : forbiddenSegment(m[2]);
  if (forbidden !== undefined) return `${JSON.stringify(text)}: the segment ${forbidden} is refused`;
  return undefined;
}

/** Every template problem inside a value (objects and arrays are searched), for checking a block once. */
export function templateProblems(value: unknown): string[] {
  if (typeof value === 'string') {
    const problem = templateProblem(value);
    return problem ? [problem] : [];
  }
  if (Array.isArray(value)) return value.flatMap(templateProblems);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      forbiddenSegment(key) === undefined ? templateProblems(item) : [`the field name ${key} is refused`],
    );
  }
  return [];
}

/** The value with its templates filled; fields whose template reads nothing are left out. */
export function fill(value: unknown, context: TemplateContext): unknown {
  if (typeof value === 'string') return fillString(value, context);
  if (Array.isArray(value)) return value.map((item) => fill(item, context)).filter((item) => item !== undefined);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const filled = fill(item, context);
      if (filled !== undefined) out[key] = filled;
    }
    return out;
  }
  return value;
}

/** fill() for an object of fields. */
export function fillFields(fields: Record<string, unknown> | undefined, context: TemplateContext): Record<string, unknown> {
  return fields === undefined ? {} : (fill(fields, context) as Record<string, unknown>);
}

function fillString(text: string, context: TemplateContext): unknown {
  if (text.startsWith('$$')) return text.slice(1);
  const m = TEMPLATE.exec(text);
  if (!m) return text;
  const [, source, path] = m;
  if (source === 'now') return formatTimestamp(context.nowMs);
  if (source === 'id') return context.id;
  // 32 hex digits, like the console's instance ids; new on every fill, so for defaults rather than lifecycle stages.
  if (source === 'randomHex') return randomBytes(16).toString('hex');
  const from = context[source as (typeof SOURCES)[number]];
  return structuredClone(path === undefined ? from : readPath(from, path));
}
