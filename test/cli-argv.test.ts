/**
 * The CLI's argument splitter (src/cli/argv.ts) on its own: declared options by their type, every
 * other `--name` kept in order for the body builder, and a UsageError for what cannot be read.
 */
import { describe, expect, it } from 'vitest';
import { booleanOption, listOption, parseArgv, parseBooleanText, stringOption, UsageError, wholeNumberOption, type OptionSpecs } from '../src/cli/argv.js';

const SPECS: OptionSpecs = {
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
  all: { type: 'boolean' },
  body: { type: 'string' },
  header: { type: 'string', multiple: true },
  'page-size': { type: 'string' },
};

const usageError = (run: () => unknown): UsageError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
};

describe('parseArgv', () => {
  it('positionals in order, declared options by name, alias or name=value', () => {
    const parsed = parseArgv(['call', '-o', 'table', 'finetuning', '--all', '--body=@x.json', 'CreateFineTuningJob'], SPECS, false);
    expect(parsed).toEqual({
      positionals: ['call', 'finetuning', 'CreateFineTuningJob'],
      options: { output: 'table', all: true, body: '@x.json' },
      extras: [],
    });
  });

  it('a string option takes the next token whatever it looks like', () => {
    expect(parseArgv(['--body', '-'], SPECS, false).options).toEqual({ body: '-' });
    expect(parseArgv(['--output', '--all'], SPECS, false).options).toEqual({ output: '--all' });
  });

  it('a boolean option alone is true; with =value it is read as true or false', () => {
    expect(parseArgv(['-h'], SPECS, false).options).toEqual({ help: true });
    expect(parseArgv(['--all=false', '--help=yes'], SPECS, false).options).toEqual({ all: false, help: true });
    expect(usageError(() => parseArgv(['--all=maybe'], SPECS, false)).message).toBe('--all takes true or false, got "maybe"');
  });

  it('a repeatable option keeps every value in order; another given twice is refused', () => {
    expect(parseArgv(['--header', 'a: 1', '--header=b: 2'], SPECS, false).options).toEqual({ header: ['a: 1', 'b: 2'] });
    expect(usageError(() => parseArgv(['-o', 'json', '--output', 'table'], SPECS, false)).message).toBe('--output was given twice');
  });

  it('a string option without its value is refused', () => {
    expect(usageError(() => parseArgv(['call', '--output'], SPECS, false)).message).toBe('--output needs a value');
  });

  it('without extras an undeclared flag is refused, long or short', () => {
    expect(usageError(() => parseArgv(['--name', 'x'], SPECS, false)).message).toBe('unknown option --name');
    expect(usageError(() => parseArgv(['-x'], SPECS, false)).message).toBe('unknown option -x');
    expect(usageError(() => parseArgv(['-x'], SPECS, true)).message).toBe('unknown option -x');
  });

  it('with extras undeclared flags are kept in order, each with the value after it', () => {
    const parsed = parseArgv(['--name', 'job', '--dry', '--epoch=3', '--tags', 'a', '--tags', 'b', '--verbose'], SPECS, true);
    expect(parsed.extras).toEqual([
      { name: 'name', value: 'job' },
      { name: 'dry', value: undefined },
      { name: 'epoch', value: '3' },
      { name: 'tags', value: 'a' },
      { name: 'tags', value: 'b' },
      { name: 'verbose', value: undefined },
    ]);
    expect(parsed.positionals).toEqual([]);
  });

  it('an extra takes a value starting with one dash (a negative number) but not the next --flag', () => {
    expect(parseArgv(['--offset', '-5', '--all'], SPECS, true)).toEqual({ positionals: [], options: { all: true }, extras: [{ name: 'offset', value: '-5' }] });
    expect(parseArgv(['--empty=', 'rest'], SPECS, true)).toEqual({ positionals: ['rest'], options: {}, extras: [{ name: 'empty', value: '' }] });
  });

  it('-- ends the options; a lone - is a positional; a bare -- with a name missing is refused', () => {
    expect(parseArgv(['a', '-', '--', '--all', '-o'], SPECS, false)).toEqual({ positionals: ['a', '-', '--all', '-o'], options: {}, extras: [] });
    expect(usageError(() => parseArgv(['--=x'], SPECS, true)).message).toBe('unknown option --');
  });
});

describe('typed readers', () => {
  const parsed = parseArgv(['-o', 'table', '--all', '--page-size', '20', '--header', 'a'], SPECS, false);

  it('stringOption, booleanOption and listOption read what was given, and nothing otherwise', () => {
    expect(stringOption(parsed, 'output')).toBe('table');
    expect(stringOption(parsed, 'all')).toBeUndefined();
    expect(stringOption(parsed, 'body')).toBeUndefined();
    expect(booleanOption(parsed, 'all')).toBe(true);
    expect(booleanOption(parsed, 'help')).toBe(false);
    expect(listOption(parsed, 'header')).toEqual(['a']);
    expect(listOption(parsed, 'output')).toEqual([]);
  });

  it('wholeNumberOption takes a positive whole number and names the flag and unit otherwise', () => {
    expect(wholeNumberOption(parsed, 'page-size', 'items')).toBe(20);
    expect(wholeNumberOption(parsed, 'body', 'items')).toBeUndefined();
    for (const bad of ['0', '-1', '1.5', '07', 'ten', '']) {
      const error = usageError(() => wholeNumberOption(parseArgv(['--page-size', bad], SPECS, false), 'page-size', 'items'));
      expect(error.message).toBe(`--page-size takes a positive whole number of items, got ${JSON.stringify(bad)}`);
    }
  });

  it('parseBooleanText reads true/yes/1 and false/no/0 in any case', () => {
    expect(['true', 'YES', '1'].map((t) => parseBooleanText(t, '--x'))).toEqual([true, true, true]);
    expect(['False', 'no', '0'].map((t) => parseBooleanText(t, '--x'))).toEqual([false, false, false]);
    expect(usageError(() => parseBooleanText('on', '--x')).message).toBe('--x takes true or false, got "on"');
  });
});
