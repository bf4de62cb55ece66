/**
 * The command's lines, run in-process (test/support/cli-run.ts), against a loopback server that verifies every signature:
 * profiles from the config file, and how they combine with the environment and flags.
 * Shared setup: test/support/cli-console.ts.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AK, SK, STAGING_AK, STAGING_SK, useCliConsole } from './support/cli-console.js';

const { server, work, call } = useCliConsole();

describe('profiles', () => {
  const file = join(work, 'config');
  writeFileSync(
    file,
    `# qianfan-console profiles
[default]
access_key = ${AK}
secret_key = ${SK}

[staging]
access_key = ${STAGING_AK}
secret_key = ${STAGING_SK}
endpoint = http://placeholder.invalid
`,
    { mode: 0o600 },
  );
  chmodSync(file, 0o600);

  it('reads [default], a named profile, and lets the environment and then flags override it', async () => {
    const base = { QIANFAN_CONFIG_FILE: file, QIANFAN_CONSOLE_API_BASE_URL: server.url };
    const byDefault = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't'], { env: base });
    expect(byDefault.code).toBe(0);
    expect(server.requests[0]!.headers['authorization']).toContain(`/${AK}/`);

    // The profile's endpoint loses to the environment's; its keys are used.
    const staging = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--profile', 'staging'], { env: base });
    expect(staging.code).toBe(0);
    expect(server.requests[1]!.headers['authorization']).toContain(`/${STAGING_AK}/`);

    // The environment's keys beat the profile of QIANFAN_PROFILE; a profile named by --profile beats the
    // environment's keys; flags beat everything.
    await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't'], {
      env: { ...base, QIANFAN_PROFILE: 'staging', QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK },
    });
    expect(server.requests[2]!.headers['authorization']).toContain(`/${AK}/`);
    await call(['--access-key', STAGING_AK, '--secret-key', STAGING_SK, 'finetuning', 'DeleteFineTuningTask', '--taskId', 't'], {
      env: { ...base, QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK },
    });
    expect(server.requests[3]!.headers['authorization']).toContain(`/${STAGING_AK}/`);
    await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--profile', 'staging'], {
      env: { ...base, QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK },
    });
    expect(server.requests[4]!.headers['authorization']).toContain(`/${STAGING_AK}/`);
    expect(server.requests.every((r) => r.authProblem === null)).toBe(true);

    const endpointFromProfile = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--profile', 'staging', '--dry-run'], {
      env: { QIANFAN_CONFIG_FILE: file },
    });
    expect(JSON.parse(endpointFromProfile.stdout).url).toBe('http://placeholder.invalid/v2/finetuning?Action=DeleteFineTuningTask');
  });

  it('takes the credentials as one set: a key from one place never pairs with a token or secret from another', async () => {
    const withToken = join(work, 'config-with-token');
    writeFileSync(withToken, `[default]\naccess_key = ${STAGING_AK}\nsecret_key = ${STAGING_SK}\nsession_token = profile-sts-token\n`, { mode: 0o600 });
    chmodSync(withToken, 0o600);
    const env = { QIANFAN_CONFIG_FILE: withToken, QIANFAN_CONSOLE_API_BASE_URL: server.url, QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK };
    const shown = JSON.parse((await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--dry-run'], { env })).stdout) as {
      headers: Record<string, string>;
    };
    expect(shown.headers['authorization']).toContain(`/${AK}/`);
    expect(shown.headers['x-bce-security-token']).toBeUndefined();
    // The environment holds only the access key: the set is the environment's, and incomplete.
    const half = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't'], {
      env: { QIANFAN_CONFIG_FILE: withToken, QIANFAN_CONSOLE_API_BASE_URL: server.url, QIANFAN_ACCESS_KEY: AK },
    });
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('QIANFAN_SECRET_KEY');
    // Without keys in the environment, the profile's whole set is used, its token included.
    const fromProfile = JSON.parse(
      (
        await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--dry-run'], {
          env: { QIANFAN_CONFIG_FILE: withToken, QIANFAN_CONSOLE_API_BASE_URL: server.url },
        })
      ).stdout,
    ) as { headers: Record<string, string> };
    expect(fromProfile.headers['authorization']).toContain(`/${STAGING_AK}/`);
    expect(fromProfile.headers['x-bce-security-token']).toBe('***');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a profile that is not there, warns when others may read the file, and never prints a secret', async () => {
    const missing = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--profile', 'prod'], { env: { QIANFAN_CONFIG_FILE: file } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no profile [prod]');
    expect(missing.stderr).toContain('[default], [staging]');

    const open = join(work, 'open-config');
    writeFileSync(open, `[default]\naccess_key = ${AK}\nsecret_key = ${SK}\nsecretkey = typo-${SK}\n`);
    chmodSync(open, 0o644);
    const warned = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't'], {
      env: { QIANFAN_CONFIG_FILE: open, QIANFAN_CONSOLE_API_BASE_URL: server.url },
    });
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain(`may be read by others (mode 644); run: chmod 600 ${open}`);
    expect(warned.stderr).toContain('unknown key "secretkey"');
    expect(warned.stdout + warned.stderr).not.toContain(SK);

    const broken = join(work, 'broken-config');
    writeFileSync(broken, `[default]\n${SK}\n`, { mode: 0o600 });
    const refused = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't'], { env: { QIANFAN_CONFIG_FILE: broken } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${broken}:2: expected`);
    expect(refused.stderr).not.toContain(SK);
  });
});
