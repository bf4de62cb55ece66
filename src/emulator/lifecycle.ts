/**
 * Timed statuses. A record with a lifecycle stores only when it started; its status, progress and
 * stage fields are worked out from the clock whenever it is read, so nothing has to run in the
 * background, a restart from a state file picks up where the clock says it should be, and advancing
 * the emulator's clock (clock.ts) moves every lifecycle at once.
 */
import type { Lifecycle } from './emulation.js';
import type { StoredRecord } from './state.js';
import { fillFields, type TemplateContext } from './templates.js';

export interface LifecycleClock {
  /** The emulator's clock (EmulatorClock.now), which already runs at the emulator's speed. */
  nowMs: number;
}

/** The fields the lifecycle gives the record at this moment, written into `fields`. */
function lifecycleFields(spec: Lifecycle, startedAtMs: number, clock: LifecycleClock, context: Omit<TemplateContext, 'nowMs'>, fields: Record<string, unknown>): void {
  const elapsedMs = Math.max(0, clock.nowMs - startedAtMs);
  let stageStartMs = 0;
  for (const stage of spec.stages) {
    // Each stage's $now is the time it was entered, so finishDate reads the same on every call.
    if (stage.set) Object.assign(fields, fillFields(stage.set, { ...context, nowMs: startedAtMs + stageStartMs }));
    fields[spec.field] = stage.status;
    const durationMs = stage.seconds === undefined ? Infinity : stage.seconds * 1000;
    if (elapsedMs < stageStartMs + durationMs) {
      if (stage.progress && spec.progress && Number.isFinite(durationMs)) {
        fields[spec.progress] = `${Math.min(100, Math.floor((100 * (elapsedMs - stageStartMs)) / durationMs))}%`;
      }
      break;
    }
    stageStartMs += durationMs;
  }
}

/** A record's fields as the console would show them at `nowMs`: its data with its lifecycle worked out. */
export function currentFields(record: StoredRecord, nowMs: number, parent: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!record.lifecycle) return record.data;
  const { spec, startedAtMs } = record.lifecycle;
  // One copy of the data, the lifecycle's fields written over it: the same fields, in the same order, as
  // spreading both, without building the lifecycle's fields apart first.
  const view = { ...record.data };
  lifecycleFields(spec, startedAtMs, { nowMs }, { id: record.id, record: record.data, parent }, view);
  return view;
}
