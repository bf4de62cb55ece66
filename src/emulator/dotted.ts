/**
 * The emulator's dotted paths (`pageInfo.nextMarker`, a filter's `a.b`, a template's `$body.a`), read and
 * written only through own properties, and never through `__proto__`, `constructor` or `prototype`: a
 * dropped-in descriptor cannot make the emulator reach into, or write onto, Object.prototype.
 */
import { DescriptorError } from '../errors.js';

const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The forbidden segment of a path, or undefined when it has none. */
export function forbiddenSegment(path: string): string | undefined {
  return path.split('.').find((segment) => FORBIDDEN_SEGMENTS.has(segment));
}

function segmentsOf(path: string): string[] {
  const segments = path.split('.');
  const forbidden = segments.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (forbidden !== undefined)
    throw new DescriptorError(`the dotted path ${JSON.stringify(path)} has the segment ${forbidden}, which the emulator refuses`, {});
  return segments;
}

/** The value at the path, through own properties only; undefined when any step is missing. */
export function readPath(value: unknown, path: string): unknown {
  let node = value;
  for (const segment of segmentsOf(path)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** Sets the value at the path, making the objects on the way (replacing what is not an own object). */
export function writePath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = segmentsOf(path);
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    const next = Object.hasOwn(node, segment) ? node[segment] : undefined;
    if (next === null || typeof next !== 'object') node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[segments[segments.length - 1]!] = value;
}

/** A record's own field: never an inherited `constructor` or `toString`. */
export function ownField(record: Record<string, unknown>, field: string): unknown {
  return Object.hasOwn(record, field) ? record[field] : undefined;
}
