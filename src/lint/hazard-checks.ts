/**
 * Lint's checks for what could hurt the process that reads a descriptor: a pattern with catastrophic
 * backtracking (the client runs patterns on a linear-time engine, but other tools reading the
 * catalogue may not), and a dotted path that names JavaScript's object machinery instead of data.
 *
 * Patterns are judged by recheck, which decides by automata theory whether a pattern can take
 * exponential or polynomial time (and finds `(a|a)*` while passing `(\.\d+)?`, unlike star-height
 * heuristics such as safe-regex2). Its pure-JavaScript checker (checkSync) is used; it is a development
 * dependency, since its optional native packages weigh ~50 MB: where it is absent, this check is skipped
 * and lint says so, while the client stays safe through its linear-time pattern engine.
 */
import { createRequire } from 'node:module';
import type { ActionDescriptor } from '../descriptors/types.js';
import { unsafeDottedPath } from '../paginate/dotted-path.js';
import { eachSubschema, escapePointer, isObject } from './schema-walk.js';

type Recheck = typeof import('recheck');

let recheck: Recheck | null | undefined;

/** recheck, when installed; null when not. */
export function patternChecker(): Recheck | null {
  if (recheck === undefined) {
    try {
      recheck = createRequire(import.meta.url)('recheck') as Recheck;
    } catch {
      recheck = null;
    }
  }
  return recheck;
}

interface LineProblem {
  line: number;
  message: string;
}

export function hazardProblems(descriptor: ActionDescriptor, lineOf: (pointer: string) => number): LineProblem[] {
  return [...patternProblems(descriptor, lineOf), ...dottedPathProblems(descriptor, lineOf)];
}

function patternProblems(descriptor: ActionDescriptor, lineOf: (pointer: string) => number): LineProblem[] {
  const problems: LineProblem[] = [];
  const checker = patternChecker();
  if (!checker) return problems;
  const refuse = (pattern: string, pointer: string): void => {
    const verdict = checker.checkSync(pattern, 'u');
    if (verdict.status === 'vulnerable') {
      const attack = verdict.attack ? `, e.g. on ${JSON.stringify(verdict.attack.pattern)}` : '';
      problems.push({
        line: lineOf(pointer),
        message: `the pattern ${JSON.stringify(pattern)} can backtrack catastrophically (${verdict.complexity.type} time${attack}); rewrite it so that no two ways of matching overlap`,
      });
    } else if (verdict.status === 'unknown') {
      problems.push({
        line: lineOf(pointer),
        message: `the pattern ${JSON.stringify(pattern)} could not be shown free of catastrophic backtracking (${verdict.error.kind}); simplify it`,
      });
    }
  };
  for (const part of ['body', 'result'] as const) {
    eachSubschema(descriptor[part], (node, pointer) => {
      if (typeof node['pattern'] === 'string') refuse(node['pattern'], `/${part}${pointer}/pattern`);
      if (isObject(node['patternProperties'])) {
        for (const key of Object.keys(node['patternProperties'])) refuse(key, `/${part}${pointer}/patternProperties/${escapePointer(key)}`);
      }
    });
  }
  return problems;
}

/** Every dotted path the descriptor gives, with its JSON pointer. */
function dottedPaths(descriptor: ActionDescriptor): [string, string][] {
  const paths: [string, string][] = [];
  const { pagination, waiters } = descriptor;
  if (pagination) for (const key of ['outputToken', 'moreResults', 'items'] as const) paths.push([pagination[key], `/pagination/${key}`]);
  for (const [name, waiter] of Object.entries(waiters ?? {})) {
    paths.push([waiter.status, `/waiters/${name}/status`]);
    if (waiter.progress !== undefined) paths.push([waiter.progress, `/waiters/${name}/progress`]);
  }
  const emulation = descriptor.emulation;
  if (emulation) {
    for (const key of ['items', 'idField']) if (typeof emulation[key] === 'string') paths.push([emulation[key], `/emulation/${key}`]);
    const filters = emulation['filters'];
    if (Array.isArray(filters)) {
      filters.forEach((f, i) => {
        if (typeof f === 'string') paths.push([f, `/emulation/filters/${i}`]);
      });
    } else if (isObject(filters)) {
      for (const [from, to] of Object.entries(filters)) {
        paths.push([from, `/emulation/filters/${escapePointer(from)}`]);
        if (typeof to === 'string') paths.push([to, `/emulation/filters/${escapePointer(from)}`]);
      }
    }
    const lifecycle = emulation['lifecycle'];
    if (isObject(lifecycle))
      for (const key of ['field', 'progress']) if (typeof lifecycle[key] === 'string') paths.push([lifecycle[key], `/emulation/lifecycle/${key}`]);
  }
  return paths;
}

function dottedPathProblems(descriptor: ActionDescriptor, lineOf: (pointer: string) => number): LineProblem[] {
  return dottedPaths(descriptor).flatMap(([path, pointer]) => {
    const reason = unsafeDottedPath(path);
    return reason ? [{ line: lineOf(pointer), message: reason }] : [];
  });
}
