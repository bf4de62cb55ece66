/**
 * The setup shared by the test/cli-*.test.ts files: the command's lines, run in-process (cli-run.ts),
 * against a loopback server that verifies every signature. What the server received is the proof of what the
 * command sent. One server per test file (its requests and handler reset after each test), so that the
 * files can run in parallel workers.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-run.js';
import { consoleLike, useVerifyingServer, type Handler, type ReceivedRequest, type VerifyingServer } from './verifying-server.js';

export const AK = 'ALTAKclitest0123456789';
export const SK = 'cli-secret-key-never-shown-4567';
export const STAGING_AK = 'ALTAKstaging0000000001';
export const STAGING_SK = 'staging-secret-never-shown-8901';

type Env = Record<string, string | undefined>;

export interface CliConsole {
  server: VerifyingServer;
  /** A fresh temporary directory for the file's config files and descriptors. */
  work: string;
  /** The default keys and the verifying server's endpoint, plus `extra`. */
  env(extra?: Env): Env;
  /** `qianfan-console call ARGS`, with env() unless another environment is given. */
  call(args: string[], extra?: { env?: Env; input?: string }): ReturnType<typeof runCli>;
  /** The JSON body of the index-th request the server received. */
  sentBody(index?: number): unknown;
}

/** Registers the verifying server's hooks in the calling test file. */
export function useCliConsole(): CliConsole {
  const server = useVerifyingServer({ [AK]: SK, [STAGING_AK]: STAGING_SK });
  const env = (extra: Env = {}): Env => ({ QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK, QIANFAN_CONSOLE_API_BASE_URL: server.url, ...extra });
  return {
    server,
    work: mkdtempSync(join(tmpdir(), 'qf-cli-')),
    env,
    call: (args, extra = {}) => runCli(['call', ...args], { env: extra.env ?? env(), ...(extra.input === undefined ? {} : { input: extra.input }) }),
    sentBody: (index = 0) => JSON.parse(server.requests[index]!.body),
  };
}

/** A console that pages `total` jobs, `maxKeys` at a time (10 by default), from the marker on. */
export function pagedJobs(total: number): Handler {
  const ids = Array.from({ length: total }, (_, i) => `job-${String(i).padStart(3, '0')}`);
  return consoleLike((request: ReceivedRequest) => {
    const body = JSON.parse(request.body) as { marker?: string; maxKeys?: number };
    const start = body.marker ? ids.indexOf(body.marker) : 0;
    const size = body.maxKeys ?? 10;
    const page = ids.slice(start, start + size);
    const next = ids[start + size];
    return {
      jobList: page.map((jobId) => ({ jobId, name: `name of ${jobId}` })),
      pageInfo: { marker: body.marker ?? '', maxKeys: size, isTruncated: next !== undefined, nextMarker: next ?? '' },
    };
  });
}

/** A loopback port nothing listens on. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
