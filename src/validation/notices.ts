/**
 * What a client tells its logger about validation, once rather than per call: a body problem sent anyway
 * is warned once per action and field, and a result that does not match its schema is logged (debug)
 * once per action. Results are advisory: the console's answer is never refused for its shape; the line
 * is there so that drift between the catalogue and the console shows.
 */
import type { Problem } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { toProblems } from './report.js';
import type { JsonSchema, SchemaCheck } from './schema.js';

/** Notices one client remembers; past it the memory starts over (a notice may then repeat) rather than grow. */
const MAX_REMEMBERED = 4096;

interface Where {
  route: string;
  action: string;
}

/** What the result check needs of a descriptor: its result schema and its validator, compiled on first use. */
export interface ResultSchema {
  readonly descriptor: { readonly result: JsonSchema };
  readonly checkResult: SchemaCheck;
}

export class ValidationNotices {
  readonly #logger: Logger;
  readonly #given = new Set<string>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Warns of body problems that did not refuse the call, each action and field once. */
  warnSent(where: Where, problems: readonly Problem[]): void {
    for (const problem of problems) {
      // $.items[3].name and $.items[7].name are one field.
      if (!this.#first(`body ${where.route} ${where.action} ${problem.path.replace(/\[\d+\]/g, '[]')}`)) continue;
      this.#logger.warn(`${where.action}: ${problem.path}: ${problem.message} (sent anyway: validation is compatible; said once per field)`);
    }
  }

  /** Logs (debug) the first result of an action that does not match its result schema; never throws. */
  checkResult(action: ResultSchema | undefined, where: Where, result: unknown): void {
    const key = `result ${where.route} ${where.action}`;
    if (!action || this.#given.has(key)) return;
    let failures: ReturnType<SchemaCheck>;
    try {
      failures = action.checkResult(result);
    } catch (error) {
      this.#first(key);
      this.#logger.debug(`${where.action}: the result schema cannot be checked: ${(error as Error).message}`);
      return;
    }
    if (failures === true) return;
    this.#first(key);
    const problems = toProblems(failures, action.descriptor.result, result).map((p) => `${p.path}: ${p.message}`);
    this.#logger.debug(`${where.action}: the result does not match the catalogue's result schema (said once; the call succeeded): ${problems.join('; ')}`);
  }

  /** True the first time a key is seen. */
  #first(key: string): boolean {
    if (this.#given.has(key)) return false;
    if (this.#given.size >= MAX_REMEMBERED) this.#given.clear();
    this.#given.add(key);
    return true;
  }
}
