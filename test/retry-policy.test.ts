/**
 * The retry policy file is checked against actions/retry-policy.schema.json: a bad file is refused
 * with a ConfigError naming the file, the line and the field, whether it is given as the retryPolicy
 * option or found on the search path; a policy object given as the option names the field.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, createClient, type RetryPolicy } from 'qianfan-console';

const SHIPPED = readFileSync(new URL('../actions/retry-policy.yaml', import.meta.url), 'utf8');

/** A directory holding retry-policy.yaml with the given text. */
function policyDir(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'qf-policy-'));
  const file = join(dir, 'retry-policy.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

/** The shipped policy with one line replaced; returns the text and the (1-based) line changed. */
function shippedWith(original: string, replacement: string): { text: string; line: number } {
  const lines = SHIPPED.split('\n');
  const index = lines.findIndex((l) => l.trim() === original);
  expect(index, original).toBeGreaterThan(-1);
  lines[index] = lines[index]!.replace(original, replacement);
  return { text: lines.join('\n'), line: index + 1 };
}

const refusal = (read: () => unknown): ConfigError => {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('InvalidRetryPolicy');
    return error as ConfigError;
  }
  throw new Error('the policy was accepted');
};

const client = (options: Parameters<typeof createClient>[0]) =>
  createClient({ accessKey: 'ALTAKpolicy', secretKey: 'policy-secret', baseUrl: 'http://127.0.0.1:1', ...options });

describe('a retry policy file', () => {
  it('given as the retryPolicy option: a bad value is refused naming the file, its line and the field', () => {
    const { text, line } = shippedWith('capMs: 20000', 'capMs: -5');
    const { file } = policyDir(text);
    expect(refusal(() => client({ retryPolicy: file }).retryPolicy).message).toBe(`${file}:${line}: invalid retry policy: $.backoff.capMs must be >= 0`);
  });

  it('found on the search path: a misspelt key is refused at its line', () => {
    const { text, line } = shippedWith('maxAttempts: 3', 'maxAttempt: 3');
    const { dir, file } = policyDir(text);
    expect(refusal(() => client({ actionPaths: [dir] }).retryPolicy).message).toBe(
      `${file}:${line}: invalid retry policy: $ must have required property 'maxAttempts'; line ${line}: invalid retry policy: $ must NOT have additional properties (maxAttempt)`,
    );
  });

  it('lists every problem, each at its own line', () => {
    const first = shippedWith('throttleBaseMs: 500', 'throttleBaseMs: fast');
    const lines = first.text.split('\n');
    const second = lines.findIndex((l) => l.trim() === 'clockSkew:') + 2;
    lines[second - 1] = '  codes: RequestExpired';
    const { file } = policyDir(lines.join('\n'));
    expect(refusal(() => client({ retryPolicy: file }).retryPolicy).message).toBe(
      `${file}:${first.line}: invalid retry policy: $.backoff.throttleBaseMs must be integer; line ${second}: invalid retry policy: $.clockSkew.codes must be array`,
    );
  });

  it('YAML that does not parse, such as a key given twice, is refused at the line of the fault', () => {
    const { text, line } = shippedWith('maxAttempts: 3', 'maxAttempts: 3\nmaxAttempts: 4');
    const { file } = policyDir(text);
    expect(refusal(() => client({ retryPolicy: file }).retryPolicy).message).toBe(`${file}:${line + 1}: not valid YAML: Map keys must be unique`);
  });

  it('a valid override is used whole', () => {
    const { text } = shippedWith('maxAttempts: 3', 'maxAttempts: 7');
    const { dir } = policyDir(text);
    expect(client({ actionPaths: [dir] }).retryPolicy.maxAttempts).toBe(7);
  });
});

describe('a retry policy object', () => {
  const valid: RetryPolicy = client({}).retryPolicy;

  it('is refused naming each field that is wrong', () => {
    const broken = { ...valid, maxAttempts: 0, network: { notSent: ['ECONNREFUSED'] }, throttle: { httpStatus: [4290] } } as unknown as RetryPolicy;
    expect(refusal(() => client({ retryPolicy: broken }).retryPolicy).message).toBe(
      "the retryPolicy option: invalid retry policy: $.maxAttempts must be >= 1; $.throttle.httpStatus[0] must be <= 599; $.network must have required property 'ambiguous'",
    );
  });

  it('is refused when it is not a mapping', () => {
    expect(refusal(() => client({ retryPolicy: [] as unknown as RetryPolicy }).retryPolicy).message).toBe(
      'the retryPolicy option: invalid retry policy: $ must be object',
    );
  });

  it('the shipped policy is valid', () => {
    expect(client({ retryPolicy: structuredClone(valid) }).retryPolicy).toEqual(valid);
  });
});

describe('what checking a policy loads', () => {
  it('the shipped policy needs no schema check at all; a policy object is checked by the validator the build compiled, not by ajv', () => {
    const entry = new URL('../dist/bundle/index.js', import.meta.url).href;
    const script = `
      import { createRequire } from 'node:module';
      const { createClient } = await import(${JSON.stringify(entry)});
      const ajvModules = () => Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('/node_modules/ajv/')).map((path) => path.split('/node_modules/ajv/')[1]);
      const options = { accessKey: 'ALTAKpolicy', secretKey: 'policy-secret' };
      const shipped = createClient(options).retryPolicy;
      const afterShipped = ajvModules();
      createClient({ ...options, retryPolicy: structuredClone(shipped) }).retryPolicy;
      console.log(JSON.stringify({ afterShipped, afterOption: ajvModules() }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(run.stderr).toBe('');
    const { afterShipped, afterOption } = JSON.parse(run.stdout) as { afterShipped: string[]; afterOption: string[] };
    expect(afterShipped).toEqual([]);
    expect(afterOption.length).toBeGreaterThan(0);
    expect(afterOption.every((path) => path.startsWith('dist/runtime/'))).toBe(true);
  });
});
