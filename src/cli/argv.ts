/**
 * A small argument splitter. util.parseArgs cannot serve here: the flags of `call` and `wait` are not
 * known until the action's descriptor is read, and parseArgs must be told up front which flags take a
 * value. So options the command declares are parsed by their declared type, and every other `--name`
 * is kept aside, in order, with the value that follows it, for the body builder to type from the schema.
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** May be given more than once; the values are kept in order. */
  multiple?: boolean;
  /** One-letter alias, such as h for help. */
  short?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A flag the command did not declare: `--name value`, `--name=value`, or `--name` alone (value undefined). */
export interface ExtraFlag {
  name: string;
  value: string | undefined;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | string[]>;
  extras: ExtraFlag[];
}

/** The command line is wrong: unknown command or option, a missing value. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** What to run for help, e.g. "qianfan-console call --help". */
  constructor(
    message: string,
    readonly helpHint?: string,
  ) {
    super(message);
  }
}

/**
 * Splits argv. With `allowExtras` false an undeclared flag is a UsageError; with it true, undeclared
 * flags are returned as extras. `--` ends the options.
 */
export function parseArgv(argv: readonly string[], specs: OptionSpecs, allowExtras: boolean): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], options: {}, extras: [] };
  const byShort = new Map(Object.entries(specs).flatMap(([name, spec]) => (spec.short ? [[spec.short, name] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      parsed.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      parsed.positionals.push(token);
      continue;
    }
    const isLong = token.startsWith('--');
    const equals = token.indexOf('=');
    const rawName = isLong ? token.slice(2, equals === -1 ? undefined : equals) : token.slice(1);
    const inline = isLong && equals !== -1 ? token.slice(equals + 1) : undefined;
    const name = isLong ? rawName : byShort.get(rawName);
    const spec = name === undefined ? undefined : specs[name];
    if (name !== undefined && spec) {
      if (spec.type === 'boolean') {
        store(parsed, name, spec, inline === undefined ? true : parseBooleanText(inline, `--${name}`));
        continue;
      }
      // A declared string option takes the next token whatever it looks like: `--body -` means stdin.
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      store(parsed, name, spec, value);
      continue;
    }
    if (!isLong || !allowExtras || rawName === '') throw new UsageError(`unknown option ${isLong ? `--${rawName}` : token}`);
    if (inline !== undefined) {
      parsed.extras.push({ name: rawName, value: inline });
      continue;
    }
    const next = argv[i + 1];
    const takesNext = next !== undefined && !next.startsWith('--');
    parsed.extras.push({ name: rawName, value: takesNext ? next : undefined });
    if (takesNext) i++;
  }
  return parsed;
}

function store(parsed: ParsedArgs, name: string, spec: OptionSpec, value: string | boolean): void {
  if (!spec.multiple) {
    if (name in parsed.options && typeof value === 'string') throw new UsageError(`--${name} was given twice`);
    parsed.options[name] = value;
    return;
  }
  const list = (parsed.options[name] as string[] | undefined) ?? [];
  list.push(String(value));
  parsed.options[name] = list;
}

/** true/false (and yes/no, 1/0) for a flag that takes a boolean. */
export function parseBooleanText(text: string, flag: string): boolean {
  if (/^(true|yes|1)$/i.test(text)) return true;
  if (/^(false|no|0)$/i.test(text)) return false;
  throw new UsageError(`${flag} takes true or false, got ${JSON.stringify(text)}`);
}

/** Options of a parse result, typed. */
export function stringOption(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanOption(parsed: ParsedArgs, name: string): boolean {
  return parsed.options[name] === true;
}

/** A flag taking a whole number of at least 1 (`unit` names what it counts, for the message). */
export function wholeNumberOption(parsed: ParsedArgs, name: string, unit: string): number | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--${name} takes a positive whole number of ${unit}, got ${JSON.stringify(text)}`);
  return Number(text);
}

export function listOption(parsed: ParsedArgs, name: string): string[] {
  const value = parsed.options[name];
  return Array.isArray(value) ? value : [];
}
