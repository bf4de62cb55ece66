/**
 * Timed statuses. A record with a lifecycle stores only when it started; its status, progress and
 * stage fields are worked out from the clock whenever it is read, so nothing has to run in the
 * background, a restart from a state file picks up where the clock says it should be, and advancing
 * the emulator's clock (clock.ts) moves every lifecycle at once.
 */
import type { Lifecycle } from './emulation.js';
import type { StoredRecord } from './state.js';
import { fillFields } from './templates.js';

/** The stage a lifecycle has reached, when it entered it (ms after the start), and the percentage it shows, if any. */
interface Position {
  stage: number;
  enteredMs: number;
  percent: number | undefined;
}

function positionAt(spec: Lifecycle, startedAtMs: number, nowMs: number): Position {
  const elapsedMs = Math.max(0, nowMs - startedAtMs);
  let enteredMs = 0;
  for (let stage = 0; stage < spec.stages.length; stage++) {
    const { seconds, progress } = spec.stages[stage]!;
    const durationMs = seconds === undefined ? Infinity : seconds * 1000;
    if (elapsedMs < enteredMs + durationMs) {
      const shows = progress && spec.progress !== undefined && Number.isFinite(durationMs);
      return { stage, enteredMs, percent: shows ? Math.min(100, Math.floor((100 * (elapsedMs - enteredMs)) / durationMs)) : undefined };
    }
    enteredMs += durationMs;
  }
  // Unreachable for a checked block (its last stage has no seconds); the last stage, as if it were final.
  return { stage: spec.stages.length - 1, enteredMs, percent: undefined };
}

/**
 * Where a record's lifecycle stands at `nowMs`, as a short text: two moments with the same text give
 * the record the same fields (a stage's `set` is filled at the time the stage was entered).
 */
export function lifecycleMoment(record: StoredRecord, nowMs: number): string {
  const { spec, startedAtMs } = record.lifecycle!;
  const { stage, percent } = positionAt(spec, startedAtMs, nowMs);
  return percent === undefined ? String(stage) : `${stage}:${percent}`;
}

/** A record's fields as the console would show them at `nowMs`: its data with its lifecycle worked out. */
export function currentFields(record: StoredRecord, nowMs: number, parent: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!record.lifecycle) return record.data;
  const { spec, startedAtMs } = record.lifecycle;
  const { stage: reached, percent } = positionAt(spec, startedAtMs, nowMs);
  // One copy of the data with the lifecycle's fields written over it: the same fields, in the same order,
  // as spreading the two.
  const view: Record<string, unknown> = { ...record.data };
  const context = { id: record.id, record: record.data, parent };
  let enteredMs = 0;
  for (let index = 0; index <= reached; index++) {
    const stage = spec.stages[index]!;
    // Each stage's $now is the time it was entered, so finishDate reads the same on every call.
    if (stage.set) Object.assign(view, fillFields(stage.set, { ...context, nowMs: startedAtMs + enteredMs }));
    view[spec.field] = stage.status;
    enteredMs += stage.seconds === undefined ? 0 : stage.seconds * 1000;
  }
  if (percent !== undefined) view[spec.progress!] = `${percent}%`;
  return view;
}
