/**
 * The clock a request is signed with: local time plus an offset learnt from the console's Date header
 * when it refuses a request as expired. A Date header is the server's word, and a broken or hostile
 * one must not move the client's clock to the year 9999 (or past what a Date can hold), so an offset
 * is believed only within a day.
 */
import { excerpt } from '../logging/redact.js';

/** The largest clock difference believed: beyond it the header is wrong, not the local clock. */
export const MAX_CLOCK_OFFSET_MS = 24 * 3600_000;

/**
 * Server time minus local time from a response's Date header; undefined when there is none, or a
 * sentence saying why it is not believed.
 */
export function clockOffsetFrom(date: string | undefined, nowMs: number): number | string | undefined {
  if (date === undefined) return undefined;
  const offset = Date.parse(date) - nowMs;
  // NaN (no date at all) fails this test too.
  if (Math.abs(offset) <= MAX_CLOCK_OFFSET_MS) return offset;
  const shown = JSON.stringify(excerpt(date, 64));
  if (Number.isNaN(offset)) return `its Date header ${shown} is not a date; the local clock is kept`;
  return `its Date header ${shown} is ${Math.round(Math.abs(offset) / 3600_000)} hours from the local clock (more than a day: not believed); the local clock is kept`;
}
