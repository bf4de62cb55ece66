/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core. It shows what was
 * created through the console API, grouped by route with tasks under their jobs, escapes what clients
 * sent, and updates on its own when the emulator changes (the test waits for the DOM, never a sleep).
 *
 * Skipped, saying why, only when no Chromium binary is installed (`apt-get install -y chromium`; .ci/run
 * installs it). QIANFAN_DASHBOARD_SCREENSHOT=docs/emulator-dashboard.png saves the picture in the docs.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, startEmulator, type Emulator, type QianfanClient } from 'qianfan-console';
import { send } from './support/emulator-wire.js';
import { TRAINING } from './support/training.js';

/** Chromium on the PATH, else Debian's place for it. */
const CHROMIUM =
  (process.env['PATH'] ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'chromium'))
    .find((file) => existsSync(file)) ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const FINETUNING = '/v2/finetuning';
/** Markup in a name a client sent (the console allows 20 characters): the page must show it as text. */
const MARKUP_NAME = '<img src=x>';

if (!HAVE_CHROMIUM) {
  it.skip(`the dashboard in a browser: skipped, no Chromium binary at ${CHROMIUM} or on the PATH (apt-get install -y chromium)`, () => {});
} else {
  describe('the dashboard in Chromium', () => {
    let emulator: Emulator;
    let qf: QianfanClient;
    let context: BrowserContext;
    let page: Page;
    let profile: string;

    beforeAll(async () => {
      emulator = await startEmulator({ env: {}, speed: 0 });
      qf = createClient({ accessKey: emulator.accessKey, secretKey: emulator.secretKey, baseUrl: emulator.url, maxAttempts: 1 });
      profile = mkdtempSync(join(tmpdir(), 'qianfan-dashboard-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
        viewport: { width: 1440, height: 900 },
      });
      page = context.pages()[0] ?? (await context.newPage());
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
      await qf?.close();
      await emulator?.close();
    });

    const row = (id: string) => page.locator(`[data-id="${id}"]`);

    it('shows a job created through the API, then a new one and its task as they are created, escaping what clients sent', async () => {
      const first = (await qf.callAction(FINETUNING, 'CreateFineTuningJob', { name: 'faq-sft', model: 'ERNIE-Speed-8K', trainMode: 'SFT' })).result.jobId;
      await page.goto(emulator.controlUrl);
      await row(first).waitFor();
      expect(await row(first).innerText()).toContain('faq-sft');
      await page.locator('#live', { hasText: 'live' }).waitFor();

      // No reload: the page learns of the new records from the emulator's event stream.
      const second = (await qf.callAction(FINETUNING, 'CreateFineTuningJob', { name: MARKUP_NAME, model: 'ERNIE-Speed-8K', trainMode: 'SFT' })).result.jobId;
      await row(second).waitFor();
      expect(await row(second).locator('td').nth(1).innerText()).toBe(MARKUP_NAME);
      expect(await page.locator('#resources img').count()).toBe(0);

      const task = (await qf.callAction(FINETUNING, 'CreateFineTuningTask', { jobId: first, ...TRAINING })).result.taskId;
      await row(task).waitFor();
      expect(await row(task).getAttribute('class')).toBe('child');
      expect(await row(task).innerText()).toContain('Waiting');
      // The rows come job, its task, next job: the task is shown under its job.
      const order = await page.locator('[data-route="/v2/finetuning"] tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
      expect(order).toEqual([first, task, second]);
    }, 30_000);

    it('follows the clock, faults and calls as a test changes them through the control plane', async () => {
      const task = await page.locator('tr.child[data-resource="fineTuningTasks"]').getAttribute('data-id');
      await fetch(`${emulator.controlUrl}api/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 35_000 }) });
      await page.locator(`[data-id="${task}"]`, { hasText: '50%' }).waitFor();
      await fetch(`${emulator.controlUrl}api/faults`, { method: 'POST', body: JSON.stringify({ spec: 'DescribeFineTuningJobs:429x1' }) });
      await page.locator('#faults', { hasText: 'DescribeFineTuningJobs:429x1' }).waitFor();

      await qf.callAction('/v2/service', 'CreateService', {
        modelSetId: 'am-b6ngmk0j3cap',
        modelId: 'amv-6g8nng4auutg',
        name: 'faq-bot',
        urlSuffix: 'faq_bot',
      });
      await qf.callAction('/v2/dataset', 'CreateDataset', {
        datasetName: 'faq-pairs',
        dataFormat: 'PromptResponse',
        storageType: 'BOS',
        storagePath: 'bos:/bucket/faq/',
      });
      await qf.callAction('/v2/batchinference', 'CreateBatchInferenceTask', {
        name: 'nightly-eval',
        inferenceParams: {},
        modelId: 'amv-6g8nng4auutg',
        inputBosUri: 'bos:/bucket/in/',
        outputBosUri: 'bos:/bucket/out/',
      });
      await qf.callAction(FINETUNING, 'DescribeFineTuningJobs', {}).catch(() => undefined);
      await send(emulator, { secretKey: 'a-wrong-secret-key' });
      await page.locator('[data-route="/v2/dataset"]', { hasText: 'faq-pairs' }).waitFor();
      await page.locator('#calls', { hasText: 'SignatureDoesNotMatch' }).waitFor();
      await page.locator('#faults', { hasText: 'None.' }).waitFor(); // the x1 fault was used up
      expect(await page.locator('#calls').innerText()).toContain('429');

      await fetch(`${emulator.controlUrl}api/faults`, { method: 'POST', body: JSON.stringify({ spec: 'CreateFineTuningJob:503x2' }) });
      await page.locator('#faults', { hasText: 'CreateFineTuningJob:503x2' }).waitFor();
      const screenshot = process.env['QIANFAN_DASHBOARD_SCREENSHOT'];
      if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    }, 30_000);
  });
}
