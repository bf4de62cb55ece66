/**
 * Reading the dotted paths that descriptors use to point into a result (`pageInfo.nextMarker`,
 * `runStatus`). Shared by the paginators and the waiters. Only own properties are followed, so a
 * path can never reach into Object.prototype.
 */
/** The value at a dotted path (`pageInfo.nextMarker`) of a result, or undefined when any step is missing. */
export function readDottedPath(value: unknown, path: string): unknown {
  let node = value;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
