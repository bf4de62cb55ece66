/**
 * Timed statuses. A record with a lifecycle stores only when it started; its status, progress and
 * stage fields are worked out from the clock whenever it is read, so nothing has to run in the
 * background and a restart from a state file picks up where the clock says it should be.
 */
import type { Lifecycle } from './emulation.js';
import { fillFields, type TemplateContext } from './templates.js';

export interface LifecycleClock {
  nowMs: number;
  /** Emulated seconds per real second. */
  speed: number;
}

/** The fields the lifecycle gives the record at this moment. */
export function lifecycleFields(spec: Lifecycle, startedAtMs: number, clock: LifecycleClock, context: Omit<TemplateContext, 'nowMs'>): Record<string, unknown> {
  const emulatedMs = Math.max(0, clock.nowMs - startedAtMs) * clock.speed;
  const fields: Record<string, unknown> = {};
  let stageStartMs = 0;
  for (const stage of spec.stages) {
    // Each stage's $now is the real time it was entered, so finishDate reads the same on every call.
    Object.assign(fields, fillFields(stage.set, { ...context, nowMs: startedAtMs + stageStartMs / clock.speed }));
    fields[spec.field] = stage.status;
    const durationMs = stage.seconds === undefined ? Infinity : stage.seconds * 1000;
    if (emulatedMs < stageStartMs + durationMs) {
      if (stage.progress && spec.progress && Number.isFinite(durationMs)) {
        fields[spec.progress] = `${Math.min(100, Math.floor((100 * (emulatedMs - stageStartMs)) / durationMs))}%`;
      }
      break;
    }
    stageStartMs += durationMs;
  }
  return fields;
}
