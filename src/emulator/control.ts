/**
 * The emulator's control plane, on its own port under /_emulator/, unsigned: the state as JSON (read,
 * load a seed, reset), the calls received, faults, the clock, a live dashboard and its event stream.
 *
 * Who may use it: on a loopback address, any local process (as with the console routes' demo keys);
 * bound elsewhere, only a caller holding the token given at start (`--control-token`), sent as the
 * `x-emulator-control-token` header — without a token it stays shut there. When a token is given it is
 * required on every address. Browsers get two more checks, since any web page can send requests to
 * 127.0.0.1: a request with an Origin other than the emulator's own is refused (no cross-site
 * changes), and on loopback without a token the Host must be a loopback name (no DNS rebinding).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { selectCalls, MAX_REMEMBERED_CALLS, type ReceivedCall } from './call-log.js';
import { ControlAccess } from './control-access.js';
import { CONTROL_PREFIX, ControlRefusal, readJson, readObject, sendJson } from './control-wire.js';
import { DASHBOARD_BYTES, DASHBOARD_HTML } from './dashboard.js';
import type { ActiveFault, FaultSpec } from './faults.js';
import type { StateDocument } from './state.js';
import type { StateView } from './view.js';

/** What the control plane drives: the running emulator. */
export interface ControlTarget {
  readonly host: string;
  snapshot(): StateDocument;
  load(document: unknown): void;
  reset(): void;
  readonly calls: readonly ReceivedCall[];
  /** A call as it may be shown: its body with sensitive fields masked. */
  shownCall(call: ReceivedCall): Record<string, unknown>;
  readonly faults: { inject(spec: FaultSpec | string): void; clear(): void; list(): Array<Readonly<ActiveFault> & { text: string }> };
  readonly clock: { now(): number; advance(ms: number): number; readonly speed: number };
  view(): StateView;
}

export class ControlPlane {
  readonly #target: ControlTarget;
  readonly #access: ControlAccess;
  /** Open event streams of dashboards. */
  readonly #listeners = new Set<ServerResponse>();
  #notifyPending = false;

  constructor(target: ControlTarget, token: string | undefined) {
    this.#target = target;
    this.#access = new ControlAccess(token, () => target.host);
  }

  static owns(url: string | undefined): boolean {
    return url === CONTROL_PREFIX || (url?.startsWith(CONTROL_PREFIX + '/') ?? false);
  }

  /** Tells open dashboards that something changed; many changes in one turn make one event. */
  changed(): void {
    if (this.#notifyPending || this.#listeners.size === 0) return;
    this.#notifyPending = true;
    setImmediate(() => {
      this.#notifyPending = false;
      for (const listener of this.#listeners) listener.write('data: change\n\n');
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('cache-control', 'no-store');
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      if (this.#access.hasToken && url.pathname === CONTROL_PREFIX + '/' && req.method === 'GET' && url.searchParams.has('token')) {
        return this.#access.enterWithToken(res, url.searchParams.get('token')!);
      }
      this.#access.admit(req);
      await this.#route(req, res, url);
    } catch (error) {
      const refusal =
        error instanceof ControlRefusal ? error : new ControlRefusal(500, 'InternalError', `the control plane failed: ${(error as Error).message}`);
      if (!res.headersSent) sendJson(res, refusal.status, { code: refusal.code, message: refusal.message });
      else res.end();
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const target = this.#target;
    const path = url.pathname.slice(CONTROL_PREFIX.length);
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET ':
        res.writeHead(308, { location: CONTROL_PREFIX + '/' }).end();
        return;
      case 'GET /':
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-length': DASHBOARD_BYTES,
          'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
        });
        res.end(DASHBOARD_HTML);
        return;
      case 'GET /api/state':
        return sendJson(res, 200, target.snapshot());
      case 'PUT /api/state':
        return this.#change(res, async () => {
          const document = await readJson(req);
          try {
            target.load(document);
          } catch (error) {
            throw new ControlRefusal(400, 'InvalidState', `not loaded, the state is as it was: ${(error as Error).message}`);
          }
          return { loaded: Object.fromEntries(Object.entries(target.snapshot().resources).map(([resource, records]) => [resource, records.length])) };
        });
      case 'POST /api/reset':
        return this.#change(res, () => {
          target.reset();
          return { reset: true };
        });
      case 'GET /api/calls': {
        const limit = url.searchParams.has('limit') ? Number(url.searchParams.get('limit')) : MAX_REMEMBERED_CALLS;
        if (!(Number.isInteger(limit) && limit >= 1))
          throw new ControlRefusal(400, 'InvalidParameter', `limit must be a whole number ≥ 1, got ${JSON.stringify(url.searchParams.get('limit'))}`);
        const calls = selectCalls(target.calls, url.searchParams.get('action') ?? undefined, limit);
        return sendJson(res, 200, { calls: calls.map((call) => target.shownCall(call)), kept: MAX_REMEMBERED_CALLS });
      }
      case 'GET /api/faults':
        return sendJson(res, 200, { faults: this.#faults() });
      case 'POST /api/faults':
        return this.#change(res, async () => {
          const spec = (await readObject(req))['spec'];
          if (typeof spec !== 'string')
            throw new ControlRefusal(
              400,
              'InvalidFault',
              'send {"spec": "<fault spec>"}, in the syntax of --fault, e.g. {"spec": "CreateFineTuningJob:429x2"}',
            );
          try {
            target.faults.inject(spec);
          } catch (error) {
            throw new ControlRefusal(400, 'InvalidFault', (error as Error).message);
          }
          return { faults: this.#faults() };
        });
      case 'DELETE /api/faults':
        return this.#change(res, () => {
          target.faults.clear();
          return { faults: [] };
        });
      case 'GET /api/clock':
        return sendJson(res, 200, this.#clock());
      case 'POST /api/clock':
        return this.#change(res, async () => {
          const advanceMs = (await readObject(req))['advanceMs'];
          if (typeof advanceMs !== 'number' || !(Number.isFinite(advanceMs) && advanceMs >= 0)) {
            throw new ControlRefusal(400, 'InvalidParameter', `send {"advanceMs": N} with N a number of milliseconds ≥ 0, got ${JSON.stringify(advanceMs)}`);
          }
          target.clock.advance(advanceMs);
          return this.#clock();
        });
      case 'GET /api/view':
        return sendJson(res, 200, target.view());
      case 'GET /api/events':
        return this.#stream(req, res);
      default:
        throw new ControlRefusal(404, 'NotFound', `the control plane has no ${route}; see docs/emulator.md#control-plane`);
    }
  }

  /** Runs a change, answers with its result, and tells the dashboards. */
  async #change(res: ServerResponse, change: () => unknown): Promise<void> {
    const result = await change();
    sendJson(res, 200, result);
    this.changed();
  }

  #faults(): unknown[] {
    return this.#target.faults.list().map(({ text, seen, fired, spec }) => ({
      spec: text,
      seen,
      fired,
      ...(spec.fault.type === 'status' && spec.fault.message ? { message: spec.fault.message } : {}),
    }));
  }

  #clock(): unknown {
    const nowMs = this.#target.clock.now();
    return { nowMs, now: new Date(nowMs).toISOString(), speed: this.#target.clock.speed };
  }

  #stream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    this.#listeners.add(res);
    req.once('close', () => this.#listeners.delete(res));
  }
}
