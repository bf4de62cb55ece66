/**
 * The emulator's dotted paths (`pageInfo.nextMarker`, a filter's `a.b`, a template's `$body.a`): read with the
 * library's reader (src/paginate/dotted-path.ts) and written here, both only through own properties and never
 * through `__proto__`, `constructor` or `prototype`, so a dropped-in descriptor cannot make the emulator reach
 * into, or write onto, Object.prototype.
 */
import { DescriptorError } from '../errors.js';
import { unsafeDottedPath } from '../paginate/dotted-path.js';

export { forbiddenSegment, readDottedPath as readPath } from '../paginate/dotted-path.js';

/** Sets the value at the path, making the objects on the way (replacing what is not an own object). */
export function writePath(target: Record<string, unknown>, path: string, value: unknown): void {
  const unsafe = unsafeDottedPath(path);
  if (unsafe !== undefined) throw new DescriptorError(unsafe, { code: 'InvalidDescriptor' });
  const segments = path.split('.');
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
