/**
 * The emulator's one clock for everything it emulates: record times, `$now` templates and lifecycles.
 * It runs `speed` emulated milliseconds per wall-clock millisecond from the moment the emulator starts,
 * plus whatever a test added with `advance`. At speed 0 it stands still until advanced, so a test can
 * finish a week-long task at once and read the same times on every run.
 *
 * The wire keeps to the wall clock (the `now` option): the signature window and the `Date` header
 * follow the client's real time, so advancing a week does not make every signature look expired.
 */
import { ConfigError } from '../errors.js';

export class EmulatorClock {
  readonly #wallNow: () => number;
  readonly #startWallMs: number;
  #emulatedAtStartMs: number;

  constructor(
    wallNow: () => number,
    /** Emulated milliseconds per wall-clock millisecond; 0 freezes the clock. */
    readonly speed: number,
  ) {
    if (!(Number.isFinite(speed) && speed >= 0))
      throw new ConfigError(`speed must be a number ≥ 0 (0 stops the clock until advanced), got ${speed}`, { code: 'InvalidConfig' });
    this.#wallNow = wallNow;
    this.#startWallMs = wallNow();
    this.#emulatedAtStartMs = this.#startWallMs;
  }

  /** The emulated time, in epoch milliseconds. */
  now(): number {
    return this.#emulatedAtStartMs + (this.#wallNow() - this.#startWallMs) * this.speed;
  }

  /** The wall-clock time, for the wire: signature checks and the Date header. */
  wallNow(): number {
    return this.#wallNow();
  }

  /** Moves the emulated time forward; returns the new time. */
  advance(ms: number): number {
    if (!(Number.isFinite(ms) && ms >= 0))
      throw new ConfigError(`advanceMs must be a number of milliseconds ≥ 0, got ${JSON.stringify(ms)}`, { code: 'InvalidClockAdvance' });
    this.#emulatedAtStartMs += ms;
    return this.now();
  }
}
