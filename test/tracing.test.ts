import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'qianfan-console';
import { useVerifyingServer } from './support/verifying-server.js';

const AK = 'ALTAKtracing0000001';
const SK = 'secret-key-of-the-tracing-tests-01';
const server = useVerifyingServer({ [AK]: SK });

/** What a tracing SDK would record, kept to what the test reads. */
class RecordedSpan {
  attributes: Record<string, unknown>;
  status: { code: number; message?: string } | undefined;
  ended = false;
  constructor(
    readonly name: string,
    readonly kind: SpanKind | undefined,
    attributes: Record<string, unknown> | undefined,
  ) {
    this.attributes = { ...attributes };
  }
  setAttribute(key: string, value: unknown) {
    this.attributes[key] = value;
    return this;
  }
  setStatus(status: { code: number; message?: string }) {
    this.status = status;
    return this;
  }
  end() {
    this.ended = true;
  }
  spanContext() {
    return { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
  }
  isRecording() {
    return true;
  }
}

const spans: RecordedSpan[] = [];
const contexts = new AsyncLocalStorage<Context>();

beforeAll(() => {
  context.setGlobalContextManager({
    active: () => contexts.getStore() ?? ROOT_CONTEXT,
    with: (ctx, fn, thisArg, ...args) => contexts.run(ctx, () => fn.call(thisArg, ...args)),
    bind: (_ctx, target) => target,
    enable() {
      return this;
    },
    disable() {
      return this;
    },
  });
  trace.setGlobalTracerProvider({
    getTracer: () => ({
      startSpan: (name: string, options?: { kind?: SpanKind; attributes?: Record<string, unknown> }) => {
        const span = new RecordedSpan(name, options?.kind, options?.attributes);
        spans.push(span);
        return span;
      },
      startActiveSpan: () => {
        throw new Error('not used');
      },
    }),
  } as never);
});

afterAll(() => {
  trace.disable();
  context.disable();
});

describe('OpenTelemetry, when the application has registered a provider', () => {
  it('wraps each call in a CLIENT span, active while the call runs, with the request id and attempts', async () => {
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxAttempts: 1 });
    let activeDuringCall: unknown;
    qf.use({ onRequest: () => void (activeDuringCall = trace.getActiveSpan()) });
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(activeDuringCall).toBe(span);
    expect(span).toMatchObject({ name: 'qianfan DescribeFineTuningTask', kind: SpanKind.CLIENT, ended: true, status: undefined });
    expect(span?.attributes).toEqual({
      'rpc.system': 'qianfan-console',
      'rpc.service': '/v2/finetuning',
      'rpc.method': 'DescribeFineTuningTask',
      'server.address': new URL(server.url).host,
      'qianfan.attempts': 1,
      'qianfan.request_id': 'req-1',
      'http.response.status_code': 200,
    });
    await qf.close();
  });

  it('marks a failed call: error status, its code, and no secret in what is recorded', async () => {
    spans.length = 0;
    server.handler = () => ({
      status: 404,
      headers: { 'x-bce-request-id': 'req-404' },
      body: { requestId: 'req-404', code: 'ResourceNotFound', message: 'no such task' },
    });
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxAttempts: 1 });
    await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-9' })).rejects.toThrow('no such task');
    const [span] = spans;
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.stringContaining('no such task') });
    expect(span?.attributes).toMatchObject({ 'error.type': 'ResourceNotFound', 'qianfan.request_id': 'req-404', 'http.response.status_code': 404 });
    expect(JSON.stringify(spans)).not.toContain(SK);
    await qf.close();
  });
});
