/**
 * Stubbing a client's calls in tests, on its public middleware seam: a stub answers a call in onRequest
 * (respondWith), after the body was validated and before anything is signed or sent. The results it gives
 * are checked against the action's result schema, as the console's would be read (botocore's Stubber does
 * the same), so a test cannot stub a shape the console never sends.
 */
import { createRequire } from 'node:module';
import { getDefaultClient, parseActionName, ServiceError, type QianfanClient, type RequestContext } from 'qianfan-console';

/** A call a stub answered (with a result or an error). */
export interface StubbedCall {
  route: string;
  action: string;
  body: Readonly<Record<string, unknown>>;
}

/** An object whose fields the body must have (deep equal; other fields are free), or a predicate. */
export type BodyMatcher = Readonly<Record<string, unknown>> | ((body: Readonly<Record<string, unknown>>) => boolean);

export interface StubbedFailure {
  code: string;
  /** Default 400. */
  httpStatus?: number;
  /** Default: the code. */
  message?: string;
}

export interface StubRule {
  /** Answer with this result (checked now against the action's result schema). */
  resolves(result: unknown): ClientStub;
  /** Fail with a ServiceError of this code and status, as the console's refusal would. */
  rejects(failure: StubbedFailure): ClientStub;
  /** Answer with what the function returns (checked like resolves), or fail with what it throws. */
  callsFake(fake: (body: Readonly<Record<string, unknown>>, call: { route: string; action: string }) => unknown): ClientStub;
}

export interface ClientStub {
  /** Stubs an action (route as `/v2/finetuning` or `finetuning`), or only the calls whose body matches. A later rule wins over an earlier one. */
  on(route: string, action: string, body?: BodyMatcher): StubRule;
  /** The calls answered so far, oldest first. */
  calls(): StubbedCall[];
  /** Forgets every rule and every call. */
  reset(): void;
  /** Takes the stub off the client: its calls go to the network again. */
  restore(): void;
}

type Answer = (body: Readonly<Record<string, unknown>>, where: { route: string; action: string }) => Promise<unknown>;

interface Rule {
  route: string;
  action: string;
  matches: (body: Readonly<Record<string, unknown>>) => boolean;
  answer: Answer;
}

/** A controller over the client's calls (the default client when none is given). Nothing reaches the network while it is on. */
export function mockClient(client: QianfanClient = getDefaultClient()): ClientStub {
  const rules: Rule[] = [];
  const answered: StubbedCall[] = [];
  let requestCount = 0;
  const checkResult = (route: string, action: string, result: unknown): void => {
    const schema = client.catalogue.find(parseActionName(route, action))?.descriptor.result;
    if (schema !== undefined) refuseBadResult(schema, result, action);
  };
  const remove = client.use({
    async onRequest(ctx: RequestContext) {
      const rule = rules.findLast((r) => r.route === ctx.route && r.action === ctx.action && r.matches(ctx.body));
      if (!rule) {
        const stubbed = [...new Set(rules.map((r) => `${r.action} (${r.route})`))];
        throw new Error(
          `qianfan-console/testing: no stub answers ${ctx.action} (${ctx.route}) with this body; nothing was sent. Stubbed: ${stubbed.join(', ') || 'nothing'}`,
        );
      }
      answered.push({ route: ctx.route, action: ctx.action, body: ctx.body });
      const result = await rule.answer(ctx.body, { route: ctx.route, action: ctx.action });
      ctx.respondWith({ requestId: `stub-${++requestCount}`, result });
    },
  });
  const stub: ClientStub = {
    on(route, action, body) {
      const where = { route: routeKey(route), action };
      const matches = bodyMatcher(body);
      const add = (answer: Answer): ClientStub => {
        rules.push({ ...where, matches, answer });
        return stub;
      };
      return {
        resolves(result) {
          checkResult(where.route, action, result);
          return add(async () => result);
        },
        rejects(failure) {
          const code = failure?.code;
          if (typeof code !== 'string' || code === '')
            throw new TypeError('rejects() takes { code, httpStatus?, message? } with a code such as ResourceNotFound');
          return add(async (_body, at) => {
            throw new ServiceError(failure.message ?? code, {
              ...at,
              code,
              httpStatus: failure.httpStatus ?? 400,
              shape: 'v2',
              requestId: `stub-${++requestCount}`,
            });
          });
        },
        callsFake(fake) {
          return add(async (given, at) => {
            const result = await fake(given, at);
            checkResult(at.route, at.action, result);
            return result;
          });
        },
      };
    },
    calls: () => answered.slice(),
    reset() {
      rules.length = 0;
      answered.length = 0;
    },
    restore: remove,
  };
  return stub;
}

function routeKey(route: string): string {
  return route.startsWith('/v2/') ? route : route.startsWith('v2/') ? `/${route}` : `/v2/${route}`;
}

function bodyMatcher(matcher: BodyMatcher | undefined): (body: Readonly<Record<string, unknown>>) => boolean {
  if (matcher === undefined) return () => true;
  if (typeof matcher === 'function') return matcher;
  return (body) => Object.entries(matcher).every(([key, value]) => deepEqual(body[key], value));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

type Validate = ((value: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };
const compiled = new WeakMap<object, Validate>();
let ajv: { compile(schema: object): Validate } | undefined;

/** Throws a TypeError listing where the result breaks the descriptor's result schema. */
function refuseBadResult(schema: object, result: unknown, action: string): void {
  if (!ajv) {
    // The package's own ajv: a CommonJS module, loaded only when a stub result is checked.
    const Ajv = createRequire(import.meta.url)('ajv') as new (options: object) => { compile(schema: object): Validate };
    ajv = new Ajv({ strict: false, allErrors: true });
  }
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
  if (validate(result)) return;
  const problems = (validate.errors ?? []).map((e) => `  - $.result${e.instancePath.replace(/\//g, '.')}: ${e.message ?? 'is invalid'}`);
  throw new TypeError(`qianfan-console/testing: the stubbed result of ${action} breaks its descriptor's result schema:\n${problems.join('\n')}`);
}
