/**
 * Faults on demand, per action: an HTTP 429 or 5xx, a legacy throttle code in a 200 body, a delay,
 * a dropped connection or a malformed body — for the next N matching calls, for a fraction of them,
 * or for every one until cleared.
 *
 * A fraction is applied deterministically: of the first n matching calls, exactly ⌊n·fraction⌋ fail
 * (with 0.5, every second call). Tests that use it cannot flake.
 */

/** The console's numeric throttle and overload codes, as the legacy `{error_code, error_msg}` body carries them (reference §4.2). */
export const LEGACY_CODES = {
  18: 'Open api qps request limit reached',
  336100: 'Server high load, please try again later',
  336501: 'Rpm limit reached',
  336502: 'Tpm limit reached',
  500000: 'Console internal error',
} as const;

export type LegacyCode = keyof typeof LEGACY_CODES;

export type Fault =
  /** An HTTP 4xx or 5xx with a V2 error body; `code` defaults to the status's usual one (429 RequestLimitExceeded, 503 ServiceUnavailable…). */
  | { type: 'status'; status: number; code?: string; message?: string }
  | { type: 'legacy'; code: LegacyCode }
  /** Wait, then answer as usual (a later fault may still apply). */
  | { type: 'delay'; ms: number }
  /** Destroy the connection without an answer. */
  | { type: 'drop' }
  /** HTTP 200 with a body that is not JSON. */
  | { type: 'malformed' };

export interface FaultSpec {
  /** "Action", "area/Action", "area/*" or "*" (the default). */
  action?: string;
  fault: Fault;
  /** Fail this many calls, then stop (default: no limit). */
  times?: number;
  /** Fail this share of the matching calls, 0 < fraction ≤ 1 (default 1). */
  fraction?: number;
}

export const FAULT_SPEC_SYNTAX =
  'TARGET:FAULT[xN][@FRACTION] — TARGET is Action, area/Action, area/* or *; FAULT is an HTTP status 400…599 with an optional error code (429, 503, 403/AccessDenied, 400/InvalidParameter), legacy-CODE (18, 336100, 336501, 336502, 500000), delay-MS, drop or malformed; xN: the next N calls; @0.25 or @25%: that share of calls. Examples: CreateFineTuningJob:429x2, *:503@0.5, finetuning/*:delay-800';

const SPEC =
  /^(?<target>\*|[A-Za-z][A-Za-z0-9]*\/\*|(?:[A-Za-z][A-Za-z0-9]*\/)?[A-Z][A-Za-z0-9]*):(?<fault>[45]\d\d(?:\/[A-Za-z][A-Za-z0-9.]*?)?|legacy-\d+|delay-\d+|drop|malformed)(?:x(?<times>\d+))?(?:@(?<fraction>\d+(?:\.\d+)?%?))?$/;

/** Reads the command-line form (FAULT_SPEC_SYNTAX). Throws an Error that quotes the syntax. */
export function parseFaultSpec(text: string): FaultSpec {
  const m = SPEC.exec(text.trim());
  if (!m?.groups) throw new Error(`not a fault spec: ${JSON.stringify(text)}; expected ${FAULT_SPEC_SYNTAX}`);
  const { target, fault, times, fraction } = m.groups as { target: string; fault: string; times?: string; fraction?: string };
  const spec: FaultSpec = { action: target, fault: readFault(fault) };
  if (times !== undefined) spec.times = Number(times);
  if (fraction !== undefined) spec.fraction = fraction.endsWith('%') ? Number(fraction.slice(0, -1)) / 100 : Number(fraction);
  return checkFaultSpec(spec);
}

function readFault(text: string): Fault {
  if (text === 'drop' || text === 'malformed') return { type: text };
  const [kind, value] = text.split('-');
  if (kind === 'legacy') return { type: 'legacy', code: Number(value) as LegacyCode };
  if (kind === 'delay') return { type: 'delay', ms: Number(value) };
  const [status, code] = text.split('/');
  return code === undefined ? { type: 'status', status: Number(status) } : { type: 'status', status: Number(status), code };
}

/** Checks a spec given from code or parsed from text; returns it. */
function checkFaultSpec(spec: FaultSpec): FaultSpec {
  const { fault, times, fraction } = spec;
  const problem =
    fault.type === 'status' && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)
      ? `status ${fault.status} is not an HTTP error status (400…599)`
      : fault.type === 'legacy' && !(fault.code in LEGACY_CODES)
        ? `legacy code ${fault.code} is not one of ${Object.keys(LEGACY_CODES).join(', ')}`
        : fault.type === 'delay' && !(Number.isFinite(fault.ms) && fault.ms >= 0)
          ? `delay ${fault.ms} is not a number of milliseconds`
          : times !== undefined && !(Number.isInteger(times) && times >= 1)
            ? `times ${times} is not a whole number ≥ 1`
            : fraction !== undefined && !(fraction > 0 && fraction <= 1)
              ? `fraction ${fraction} is not in (0, 1]`
              : undefined;
  if (problem) throw new Error(`bad fault: ${problem}`);
  return spec;
}

/** The command-line form of a spec (a status fault's own message is not part of it). */
export function faultSpecText(spec: FaultSpec): string {
  return `${spec.action ?? '*'}:${faultText(spec.fault)}${spec.times === undefined ? '' : `x${spec.times}`}${spec.fraction === undefined ? '' : `@${spec.fraction}`}`;
}

/** One fault as the command line writes it: 429, 403/AccessDenied, legacy-18, delay-800, drop, malformed. */
export function faultText(fault: Fault): string {
  switch (fault.type) {
    case 'status':
      return fault.code === undefined ? String(fault.status) : `${fault.status}/${fault.code}`;
    case 'legacy':
      return `legacy-${fault.code}`;
    case 'delay':
      return `delay-${fault.ms}`;
    default:
      return fault.type;
  }
}

/** An active fault and how far it has got. */
export interface ActiveFault {
  readonly spec: FaultSpec;
  /** Matching calls seen so far. */
  seen: number;
  /** Faults injected so far. */
  fired: number;
}

/** What take answers while no fault is active (most calls): nothing to allocate. */
const NO_FAULTS: readonly Fault[] = Object.freeze([]);

export class FaultInjector {
  #active: ActiveFault[] = [];

  inject(spec: FaultSpec | string): void {
    this.#active.push({ spec: typeof spec === 'string' ? parseFaultSpec(spec) : checkFaultSpec(spec), seen: 0, fired: 0 });
  }

  clear(): void {
    this.#active = [];
  }

  /** The faults still active, in the order they apply, with their counts. */
  list(): Array<Readonly<ActiveFault> & { text: string }> {
    return this.#active.map((active) => ({ spec: active.spec, seen: active.seen, fired: active.fired, text: faultSpecText(active.spec) }));
  }

  /**
   * The faults for one call, in order: any delays, then at most one fault that ends the call.
   * Counts the call against every matching spec it reaches.
   */
  take(area: string, action: string): readonly Fault[] {
    if (this.#active.length === 0) return NO_FAULTS;
    const faults: Fault[] = [];
    for (const active of [...this.#active]) {
      if (!targets(active.spec.action ?? '*', area, action)) continue;
      active.seen++;
      const fraction = active.spec.fraction ?? 1;
      if (Math.floor(active.seen * fraction) <= Math.floor((active.seen - 1) * fraction)) continue;
      active.fired++;
      if (active.spec.times !== undefined && active.fired >= active.spec.times) this.#active.splice(this.#active.indexOf(active), 1);
      faults.push(active.spec.fault);
      if (active.spec.fault.type !== 'delay') break;
    }
    return faults;
  }
}

function targets(target: string, area: string, action: string): boolean {
  return target === '*' || target === action || target === `${area}/${action}` || target === `${area}/*`;
}
