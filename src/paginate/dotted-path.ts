/**
 * Reading the dotted paths that descriptors use to point into a result (`pageInfo.nextMarker`,
 * `runStatus`). Shared by the paginators, the waiters and the emulator. Only own properties are
 * followed, and a path with a `__proto__`, `constructor` or `prototype` segment is refused outright
 * (lint refuses it too), so a path can never reach into Object.prototype.
 */
import { DescriptorError } from '../errors.js';
import { cutForMessage } from '../descriptors/names.js';

const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The `__proto__`, `constructor` or `prototype` segment of a path, or undefined when it has none. */
export function forbiddenSegment(path: string): string | undefined {
  return path.split('.').find((s) => FORBIDDEN_SEGMENTS.has(s));
}

/** Why a dotted path is refused, or undefined when it is safe to follow. */
export function unsafeDottedPath(path: string): string | undefined {
  const segment = forbiddenSegment(path);
  return segment === undefined
    ? undefined
    : `the path ${cutForMessage(path)} has a ${segment} segment, which is refused: it names JavaScript's object machinery, not data`;
}

/** The value at a dotted path, or undefined where the path leads nowhere; throws a DescriptorError for an unsafe path. */
export function readDottedPath(value: unknown, path: string): unknown {
  const segments = path.split('.');
  for (const segment of segments) {
    if (FORBIDDEN_SEGMENTS.has(segment)) throw new DescriptorError(unsafeDottedPath(path)!, { code: 'InvalidDescriptor' });
  }
  let node = value;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
