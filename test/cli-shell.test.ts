/**
 * The command in a shell: bash completion (the script sourced in bash, its function called with
 * COMP_WORDS and COMP_CWORD set, calling back the real command) and `configure`, from flags and on a
 * pseudo-terminal (script(1)) where the secret key is typed without echo.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, baseEnv, hasScript } from './support/cli-process.js';
import { runCli } from './support/cli-run.js';

const work = mkdtempSync(join(tmpdir(), 'qf-shell-'));
// `qianfan-console` on PATH, as an installed package puts it.
const bin = join(work, 'bin');
spawnSync('mkdir', [bin]);
writeFileSync(join(bin, 'qianfan-console'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
chmodSync(join(bin, 'qianfan-console'), 0o755);

const DROPPED_IN = `route: /v2/custom
action: DescribeWidgets
summary: List widgets.
docs: https://example.com/widgets
idempotent: true
body:
  type: object
  additionalProperties: false
  properties:
    colour: { type: string, enum: [red, green, blue] }
    shiny: { type: boolean }
result: { type: object }
`;

const bashScript = spawnSync(process.execPath, [CLI, 'completion', 'bash'], { encoding: 'utf8' }).stdout;

/** What the bash completion function offers for the words (the last one being typed). */
function complete(words: string[], env: Record<string, string> = {}): string[] {
  const line = `${bashScript}\nCOMP_WORDS=(qianfan-console ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}\n_qianfan_console\nprintf '%s\\n' "\${COMPREPLY[@]}"\n`;
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', line], {
    encoding: 'utf8',
    env: baseEnv({ PATH: `${bin}:${process.env['PATH']}`, ...env }),
  });
  return result.stdout.split('\n').filter(Boolean);
}

describe('bash completion', () => {
  it('completes commands, routes, actions, waiters, flags and enum values', () => {
    expect(complete(['c'])).toEqual(['call', 'configure', 'completion']);
    expect(complete(['call', 'fine'])).toEqual(['finetuning']);
    expect(complete(['call', 'finetuning', 'DescribeFineTuningT'])).toEqual(['DescribeFineTuningTask', 'DescribeFineTuningTasks']);
    expect(complete(['wait', 'finetuning', ''])).toEqual(['FineTuningTaskDone']);
    expect(complete(['call', 'finetuning', 'CreateFineTuningJob', '--tra'])).toEqual(['--trainMode']);
    expect(complete(['call', 'finetuning', 'CreateFineTuningJob', '--name', 'x', '--trainMode', ''])).toEqual(['SFT', 'PostPretrain', 'DPO', 'KTO']);
    expect(complete(['call', 'finetuning', 'DescribeFineTuningJobs', '--max-'])).toEqual(['--max-attempts', '--max-items']);
    expect(complete(['-o', 't'])).toEqual(['table', 'text']);
  });

  it('completes a dropped-in descriptor, read at completion time', () => {
    const dir = mkdtempSync(join(work, 'actions-'));
    spawnSync('mkdir', [join(dir, 'custom')]);
    writeFileSync(join(dir, 'custom', 'DescribeWidgets.yaml'), DROPPED_IN);
    const env = { QIANFAN_ACTIONS_PATH: dir };
    expect(complete(['call', 'cust'], env)).toEqual(['custom']);
    expect(complete(['call', 'custom', ''], env)).toEqual(['DescribeWidgets']);
    expect(complete(['call', 'custom', 'DescribeWidgets', '--colour', ''], env)).toEqual(['red', 'green', 'blue']);
    expect(complete(['call', 'custom', 'DescribeWidgets', '--shiny', ''], env)).toEqual(['true', 'false']);
    expect(complete(['--actions-path', dir, 'call', 'custom', ''])).toEqual(['DescribeWidgets']);
  });

  it('prints zsh and fish scripts that call back the command, and refuses another shell', async () => {
    for (const shell of ['zsh', 'fish']) expect((await runCli(['completion', shell])).stdout).toContain('qianfan-console __complete');
    const other = await runCli(['completion', 'tcsh']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('completion takes one of bash, zsh, fish');
  });
});

describe('configure', () => {
  it('writes the profile from flags with mode 0600, keeps the other profiles, never prints the secret', async () => {
    const file = join(work, 'config-flags');
    writeFileSync(file, '# my profiles\n[staging]\naccess_key = ALTAKstaging\nsecret_key = staging-secret\n', { mode: 0o644 });
    const env = { QIANFAN_CONFIG_FILE: file };
    const result = await runCli(['configure', '--access-key', 'ALTAKfromflags', '--secret-key', 'flag-secret-never-shown'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('flag-secret-never-shown');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(
      '# my profiles\n[staging]\naccess_key = ALTAKstaging\nsecret_key = staging-secret\n\n[default]\naccess_key = ALTAKfromflags\nsecret_key = flag-secret-never-shown\n',
    );
    const updated = await runCli(['configure', '--profile', 'staging', '--endpoint', 'http://127.0.0.1:9'], { env });
    expect(updated.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('[staging]\naccess_key = ALTAKstaging\nsecret_key = staging-secret\nendpoint = http://127.0.0.1:9\n');
    const missing = await runCli(['configure', '--profile', 'new', '--access-key', 'ALTAKonly'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('profile [new] needs secret_key: give --secret-key');
    // What configure wrote is what the profile reader reads.
    const dryRun = await runCli(['call', 'finetuning', 'DescribeFineTuningJobs', '--dry-run', '--profile', 'staging'], { env });
    expect(dryRun.stdout).toContain('http://127.0.0.1:9/v2/finetuning');
    expect(dryRun.stdout).toContain('bce-auth-v1/ALTAKstaging/');
  });

  it.skipIf(!hasScript)('prompts on a terminal, and the secret key typed there is not echoed', async () => {
    const file = join(work, 'config-terminal');
    const answers: [string, string][] = [
      ['IAM Access Key ID [none]: ', 'ALTAKtyped\r'],
      ['IAM Secret Access Key [none]: ', 'typed-secret-never-echoed\r'],
      ['Console endpoint [https://qianfan.baidubce.com]: ', '\r'],
    ];
    const child = spawn('script', ['-qfec', `"${process.execPath}" "${CLI}" configure --profile typed`, '/dev/null'], {
      env: baseEnv({ QIANFAN_CONFIG_FILE: file }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      screen += chunk;
      // Each answer is typed only once its question is on the screen, as a person would.
      while (answers.length > 0 && screen.includes(answers[0]![0])) child.stdin.write(answers.shift()![1]);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(screen).toContain('ALTAKtyped');
    expect(screen).not.toContain('typed-secret-never-echoed');
    expect(readFileSync(file, 'utf8')).toBe('[typed]\naccess_key = ALTAKtyped\nsecret_key = typed-secret-never-echoed\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
