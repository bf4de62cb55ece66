/**
 * `expect(stub).toHaveReceivedAction(route, action, body?)` for vitest and jest:
 * `expect.extend(qianfanMatchers)` once, in a setup file. The body, when given, must equal the call's
 * body (the matcher context's own equality, so asymmetric matchers such as expect.any work).
 */
import { deepEqual, type ClientStub } from './stub.js';

interface MatcherContext {
  isNot?: boolean;
  equals?: (a: unknown, b: unknown) => boolean;
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** For `declare module 'vitest' { interface Assertion<T> extends QianfanMatchers<T> {} }` (and jest's Matchers). */
export interface QianfanMatchers<R = unknown> {
  toHaveReceivedAction(route: string, action: string, body?: Record<string, unknown>): R;
}

export const qianfanMatchers = {
  toHaveReceivedAction(this: MatcherContext, stub: ClientStub, route: string, action: string, body?: Record<string, unknown>): MatcherResult {
    if (!stub || typeof (stub as Partial<ClientStub>).calls !== 'function') {
      return { pass: false, message: () => 'toHaveReceivedAction expects the stub returned by mockClient()' };
    }
    const routeWanted = route.startsWith('/v2/') ? route : route.startsWith('v2/') ? `/${route}` : `/v2/${route}`;
    const equals = this.equals ?? deepEqual;
    const calls = stub.calls();
    const ofAction = calls.filter((c) => c.route === routeWanted && c.action === action);
    const pass = body === undefined ? ofAction.length > 0 : ofAction.some((c) => equals(c.body, body));
    const wanted = `${action} (${routeWanted})${body === undefined ? '' : ` with body ${JSON.stringify(body)}`}`;
    const received = calls.length ? calls.map((c) => `  ${c.action} (${c.route}) ${JSON.stringify(c.body)}`).join('\n') : '  no calls';
    return {
      pass,
      message: () =>
        pass ? `expected the stub not to have received ${wanted}, but it did` : `expected the stub to have received ${wanted}; it received:\n${received}`,
    };
  },
};
