/**
 * What the three MCP tools do, apart from the protocol: list the actions, describe one, call one.
 * A client of the library's public API only (src/index.ts), like any program that uses the package.
 * Answers are plain objects for the server to send as JSON; refusals are thrown.
 */
import { paginatePages, parseActionName, parseRoute, type ActionDescriptor, type QianfanClient } from '../index.js';

/**
 * Reads by name, as the library presumes for actions without a descriptor. Idempotent alone is not
 * enough to be harmless: DeleteModel and ReleaseTPMResource are idempotent, and not what an agent
 * should do by default.
 */
const READ_ACTION = /^(Describe|Get|List|Query|Check)[A-Z]/;

/** An action that only reads: named as a read, and idempotent (by its descriptor, or presumed so without one). */
function isRead(action: string, idempotent: boolean): boolean {
  return idempotent && READ_ACTION.test(action);
}

export interface ExposurePolicy {
  /** Let actions that change the console through; otherwise only reads (see isRead) are sent. */
  allowWrites: boolean;
  /** Areas (e.g. finetuning) whose actions are exposed; undefined exposes every area. */
  areas: ReadonlySet<string> | undefined;
}

/** A request this server turns down by its own policy; nothing was sent. */
export class ToolRefusal extends Error {
  override name = 'Refused';
  constructor(
    readonly code: 'WritesNotAllowed' | 'RouteNotExposed' | 'UnknownAction',
    message: string,
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

export interface ActionSummary {
  route: string;
  action: string;
  summary: string;
  /** Not a read: the action creates, changes, stops or deletes something, or costs money. */
  writes: boolean;
  /** Answers one page at a time (call_action returns nextMarker). */
  pages: boolean;
}

export interface CallRequest {
  route: string;
  action: string;
  body?: Record<string, unknown> | undefined;
  dryRun?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

export class CatalogueTools {
  constructor(
    readonly client: QianfanClient,
    readonly policy: ExposurePolicy,
  ) {}

  listActions(route?: string): ActionSummary[] {
    const area = route === undefined ? undefined : this.#exposedArea(route);
    const { catalogue } = this.client;
    const entries = catalogue.list(area).filter((entry) => this.#isExposed(entry.route));
    if (area !== undefined && entries.length === 0)
      throw new ToolRefusal('UnknownAction', `no actions are described for /v2/${area}; routes: ${this.exposedRoutes().join(', ')}`);
    return entries.map((entry) => {
      const { descriptor } = catalogue.load(entry);
      return {
        route: entry.route,
        action: entry.action,
        summary: descriptor.summary,
        writes: !isRead(entry.action, descriptor.idempotent),
        pages: descriptor.pagination !== undefined,
      };
    });
  }

  /** The descriptor without what only the emulator and the catalogue's audit read (emulation, sources). */
  describeAction(route: string, action: string): Record<string, unknown> {
    const { descriptor } = this.#described(route, action);
    const { emulation: _emulation, sources: _sources, ...shown } = descriptor;
    return {
      ...shown,
      writes: !isRead(descriptor.action, descriptor.idempotent),
      ...(descriptor.pagination ? { paging: pagingHint(descriptor) } : {}),
    };
  }

  /**
   * Calls the action, or with dryRun signs it and returns the request as it may be shown (signature and
   * x-sensitive fields masked). An action that pages answers one page with the body for the next.
   */
  async callAction({ route, action, body = {}, dryRun = false, signal }: CallRequest): Promise<Record<string, unknown>> {
    this.#exposedArea(route);
    const where = parseActionName(route, action);
    const described = this.client.catalogue.find(where)?.descriptor;
    if (dryRun) return { dryRun: true, request: this.client.showRequest(route, action, body) };
    // Without a descriptor the library presumes idempotent exactly the actions named as reads.
    if (!isRead(where.action, described?.idempotent ?? true) && !this.policy.allowWrites) {
      const why = described
        ? 'is not a read (it creates, changes, stops or deletes something, or costs money)'
        : 'has no descriptor and is not named as a read (Describe…, Get…, List…, Query…, Check…), so it is taken for a write';
      throw new ToolRefusal(
        'WritesNotAllowed',
        `${where.action} (${where.route}) ${why}, and this server is read-only: it was started without --allow-writes. Nothing was sent; dryRun: true shows the request.`,
      );
    }
    const pagination = described?.pagination;
    if (!pagination) {
      const response = await this.client.callAction(where.route, where.action, body, { signal });
      return { requestId: response.requestId, result: response.result };
    }
    // The first page only: leaving the loop ends the pager before it asks for a second.
    for await (const page of paginatePages(this.client, where.route, where.action, body, { signal })) {
      const { nextMarker } = page;
      return {
        requestId: page.response.requestId,
        result: page.response.result,
        nextMarker: nextMarker ?? null,
        ...(nextMarker === undefined ? {} : { nextBody: { ...body, [pagination.inputToken]: nextMarker } }),
      };
    }
    // Unreachable: the pager yields a first page or throws. Here for the type checker.
    throw new Error(`${where.action}: the pager yielded no page`);
  }

  exposedRoutes(): string[] {
    const routes = new Set(this.client.catalogue.list().map((entry) => entry.route));
    return [...routes].filter((r) => this.#isExposed(r));
  }

  #described(route: string, action: string): { descriptor: ActionDescriptor } {
    const area = this.#exposedArea(route);
    const name = parseActionName(route, action);
    // The catalogue rather than a call's checks: an upload the client cannot send is still described.
    const found = this.client.catalogue.find(name);
    if (found) return found;
    const known = this.client.catalogue.list(area).map((entry) => entry.action);
    throw new ToolRefusal(
      'UnknownAction',
      `no descriptor for ${name.action} on ${name.route}; ${known.length ? `its actions: ${known.join(', ')}` : `routes: ${this.exposedRoutes().join(', ')}`}`,
    );
  }

  /** The area of a route (throws the library's ValidationError for a malformed one), if it is exposed. */
  #exposedArea(route: string): string {
    const parsed = parseRoute(route);
    if (!this.#isExposed(parsed.route)) {
      throw new ToolRefusal('RouteNotExposed', `${parsed.route} is not exposed by this server; it serves: ${this.exposedRoutes().join(', ')}`);
    }
    return parsed.area;
  }

  #isExposed(route: string): boolean {
    return this.policy.areas === undefined || this.policy.areas.has(route.slice('/v2/'.length));
  }
}

function pagingHint(descriptor: ActionDescriptor): string {
  const p = descriptor.pagination!;
  return `call_action answers one page (body.${p.limitKey} items, up to ${p.maxLimit}; items at result.${p.items}) and gives nextMarker and nextBody while more follow: call again with nextBody for the next page`;
}
