/**
 * `__complete WORD… CURRENT`: the candidates for the word being typed, one a line, for the completion
 * scripts. Computed from the descriptors on every call, so a dropped-in descriptor (QIANFAN_ACTIONS_PATH
 * or --actions-path on the line) completes like a built-in one. Never fails loudly: a shell prompt is
 * no place for an error.
 */
import type { OptionSpecs } from '../argv.js';
import { COMMANDS } from '../command-table.js';
import { GLOBAL_OPTIONS, storeFor, type CommandContext } from '../context.js';
import { VALIDATION_MODES, configFilePath, listWaiters, profileNames, type Catalogue, type JsonSchema } from '../../index.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
const OUTPUT_FORMATS = ['json', 'yaml', 'table', 'text'];

/** The words of the line, split at the command. */
interface Line {
  command: string | undefined;
  positionals: string[];
  /** The flag before the current word, when it waits for a value. */
  valueFor: string | undefined;
  actionPaths: string[];
}

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const current = args.at(-1) ?? '';
  try {
    const candidates = await candidatesFor(args.slice(0, -1), current, ctx);
    ctx.io.stdout.write(
      candidates
        .filter((c) => c.startsWith(current))
        .map((c) => `${c}\n`)
        .join(''),
    );
  } catch {
    // Nothing to offer (say, a descriptor that does not parse): the shell falls back to file names.
  }
  return 0;
}

async function candidatesFor(before: string[], current: string, ctx: CommandContext): Promise<string[]> {
  const options = await optionsOf(before);
  const line = readLine(before, options);
  const withPaths = { ...ctx, globals: { ...ctx.globals, actionPaths: line.actionPaths } };
  const [route, name] = line.positionals;
  if (line.valueFor !== undefined) return valuesFor(line.valueFor, withPaths, line);
  if (current.startsWith('-')) {
    const fields =
      (line.command === 'call' || line.command === 'wait') && route !== undefined && name !== undefined
        ? bodyFlags(await bodyOf(withPaths, line.command, route, name))
        : [];
    return [...Object.keys(options).map((o) => `--${o}`), ...fields.map((f) => `--${f.name}`)];
  }
  const index = line.positionals.length;
  switch (line.command) {
    case undefined:
    case 'help':
      return line.command === 'help' && index > 0 ? [] : [...Object.keys(COMMANDS), ...(line.command ? [] : ['help'])];
    case 'completion':
      return index === 0 ? [...SHELLS] : [];
    case 'list':
    case 'describe':
    case 'call':
    case 'wait': {
      const store = await storeFor(withPaths);
      if (index === 0) return areasOf(store, line.command === 'wait');
      if (index > 1 || line.command === 'list') return [];
      const area = route!.replace(/^\/?v2\//, '');
      return line.command === 'wait' ? listWaiters(store, area).map((w) => w.name) : store.list(area).map((entry) => entry.action);
    }
    default:
      return [];
  }
}

async function optionsOf(before: string[]): Promise<OptionSpecs> {
  const command = before.find((word) => !word.startsWith('-') && Object.hasOwn(COMMANDS, word));
  const module = command === undefined ? undefined : await COMMANDS[command]!.load();
  return { ...GLOBAL_OPTIONS, ...(module?.OPTIONS ?? {}) };
}

/** Walks the words as the parser would: a declared string option or a field flag takes the word after it. */
function readLine(words: string[], options: OptionSpecs): Line {
  const line: Line = { command: undefined, positionals: [], valueFor: undefined, actionPaths: [] };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('-') || word === '-') {
      if (line.command === undefined) line.command = word;
      else line.positionals.push(word);
      continue;
    }
    if (word.includes('=')) continue;
    const name = word.startsWith('--') ? word.slice(2) : Object.keys(options).find((o) => options[o]!.short === word.slice(1));
    if (name === undefined || options[name]?.type === 'boolean') continue;
    if (i === words.length - 1) line.valueFor = name;
    else if (name === 'actions-path') line.actionPaths.push(words[++i]!);
    else if (options[name] || line.command === 'call' || line.command === 'wait') i++;
  }
  return line;
}

async function valuesFor(option: string, ctx: CommandContext, line: Line): Promise<string[]> {
  if (option === 'output') return OUTPUT_FORMATS;
  if (option === 'validation') return [...VALIDATION_MODES];
  if (option === 'profile') return profileNames(configFilePath(ctx.env));
  const [route, name] = line.positionals;
  if ((line.command !== 'call' && line.command !== 'wait') || route === undefined || name === undefined) return [];
  const field = bodyFlags(await bodyOf(ctx, line.command, route, name)).find((f) => f.name === option);
  if (!field) return [];
  if (Array.isArray(field.schema['enum'])) return field.schema['enum'].map(String);
  return field.schema['type'] === 'boolean' ? ['true', 'false'] : [];
}

function areasOf(store: Catalogue, withWaiters: boolean): string[] {
  const routes = withWaiters ? listWaiters(store).map((w) => w.route) : store.list().map((entry) => entry.route);
  return [...new Set(routes.map((route) => route.replace(/^\/v2\//, '')))];
}

async function bodyOf(ctx: CommandContext, command: string, route: string, name: string): Promise<JsonSchema | undefined> {
  const store = await storeFor(ctx);
  const area = route.replace(/^\/?v2\//, '');
  if (command === 'wait') return store.findWaiter(name, area)?.action.descriptor.body;
  const entry = store.list(area).find((e) => e.action === name);
  return entry ? store.load(entry).descriptor.body : undefined;
}

/** The flags of a body: its properties, and the properties of nested objects as dotted names. */
function bodyFlags(schema: JsonSchema | undefined): { name: string; schema: JsonSchema }[] {
  const flags: { name: string; schema: JsonSchema }[] = [];
  const walk = (node: JsonSchema, prefix: string): void => {
    const properties = (node['properties'] ?? {}) as Record<string, JsonSchema>;
    for (const [key, property] of Object.entries(properties)) {
      if (property === null || typeof property !== 'object') continue;
      flags.push({ name: `${prefix}${key}`, schema: property });
      if (property['properties'] && typeof property['properties'] === 'object') walk(property, `${prefix}${key}.`);
    }
  };
  if (schema) walk(schema, '');
  return flags;
}
