import { afterAll, beforeAll } from 'vitest';
import { createClient, startEmulator, type Emulator, type QianfanClient } from 'qianfan-console';

export interface EmulatorFixture {
  emulator: Emulator;
  qf: QianfanClient;
  /** Moves the emulator's clock forward, so lifecycles advance without waiting. */
  advance(ms: number): void;
}

/** An emulator on a clock the test moves and one client of it: started before the file's tests, closed after. */
export function useEmulatorClient(): EmulatorFixture {
  let now = Date.now();
  const fixture = { advance: (ms: number) => void (now += ms) } as EmulatorFixture;
  beforeAll(async () => {
    fixture.emulator = await startEmulator({ env: {}, now: () => now });
    fixture.qf = createClient({ accessKey: fixture.emulator.accessKey, secretKey: fixture.emulator.secretKey, baseUrl: fixture.emulator.url, maxAttempts: 1 });
  });
  afterAll(async () => {
    await fixture.qf.close();
    await fixture.emulator.close();
  });
  return fixture;
}
