/**
 * OpenTelemetry spans, when the application has set OpenTelemetry up: one CLIENT span per call, around
 * its attempts and retries, active while the call runs (so HTTP spans of an undici instrumentation
 * nest under it). Nothing of it costs anything otherwise: @opentelemetry/api registers its providers
 * on globalThis under a symbol, and a call only reads that property; the api is loaded (the
 * application's own copy, through the package resolution) the first time it is found there.
 */
import { packageRequire } from '../runtime/require.js';
import type { ActionResponse } from '../response/parse.js';
import { metadataOf } from '../client/metadata.js';

type OtelApi = typeof import('@opentelemetry/api');

/** Where @opentelemetry/api 1.x keeps its global providers (its own cross-copy registry). */
const OTEL_REGISTRY = Symbol.for('opentelemetry.js.api.1');

/** undefined: not looked for yet; null: not installed. */
let api: OtelApi | null | undefined;

/** Whether calls should be traced: an OpenTelemetry provider is registered in this process, and the api loads. */
export function tracingEnabled(): boolean {
  if ((globalThis as Record<symbol, unknown>)[OTEL_REGISTRY] === undefined) return false;
  if (api === undefined) {
    try {
      api = packageRequire('@opentelemetry/api') as OtelApi;
    } catch {
      api = null;
    }
  }
  return api !== null;
}

export interface TracedCall {
  route: string;
  action: string;
  /** The console's host, as the span's server.address. */
  host: string;
}

/** Runs the call inside a span named after the action; records the request id, attempts, status or the error's code. */
export function traced(call: TracedCall, run: () => Promise<ActionResponse>): Promise<ActionResponse> {
  const otel = api!;
  const tracer = otel.trace.getTracer('qianfan-console');
  const span = tracer.startSpan(`qianfan ${call.action}`, {
    kind: otel.SpanKind.CLIENT,
    attributes: { 'rpc.system': 'qianfan-console', 'rpc.service': call.route, 'rpc.method': call.action, 'server.address': call.host },
  });
  const finish = (resultOrError: unknown): void => {
    const metadata = metadataOf(resultOrError);
    if (metadata) {
      span.setAttribute('qianfan.attempts', metadata.attempts);
      if (metadata.requestId) span.setAttribute('qianfan.request_id', metadata.requestId);
      if (metadata.httpStatus !== undefined) span.setAttribute('http.response.status_code', metadata.httpStatus);
    }
    span.end();
  };
  return otel.context.with(otel.trace.setSpan(otel.context.active(), span), run).then(
    (response) => {
      finish(response);
      return response;
    },
    (error: unknown) => {
      // Our errors carry no secret (see errors.ts); the code and message are what the caller sees.
      const code = (error as { code?: unknown }).code;
      span.setAttribute('error.type', typeof code === 'string' ? code : ((error as Error).name ?? 'Error'));
      span.setStatus({ code: otel.SpanStatusCode.ERROR, message: (error as Error).message });
      finish(error);
      throw error;
    },
  );
}
