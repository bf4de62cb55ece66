/**
 * Paging through a list action as its descriptor declares (`pagination:`): the marker goes in as
 * `inputToken`, the page size as `limitKey`; the next marker, the truncation flag and the item list
 * come out at dotted paths of the result. Nothing here knows any particular action.
 */
import type { CallOptions, QianfanClient } from '../client/client.js';
import { withClient } from '../client/default.js';
import { parseActionName, type ActionName } from '../descriptors/names.js';
import type { Pagination } from '../descriptors/types.js';
import { abortErrorFrom, ConfigError, ResponseError, ValidationError } from '../errors.js';
import type { ActionResponse } from '../response/parse.js';
import { readDottedPath } from './dotted-path.js';

export interface PaginateOptions extends CallOptions {
  /** Items per request, sent as the descriptor's limitKey and capped at its maxLimit. Default: the body's own value, else the service's default. */
  pageSize?: number;
}

export interface Page<T = unknown> {
  /** 1 for the first page. */
  number: number;
  items: T[];
  /** The page's whole answer, `{ requestId, result }`. */
  response: ActionResponse;
  /** The marker this page was asked for; undefined for the first page unless the body carried one. */
  marker: string | undefined;
  /** The marker of the following page; undefined on the last page. */
  nextMarker: string | undefined;
}

type Body = Record<string, unknown>;

/** The descriptor's pagination block, or a ValidationError naming the actions of that route that do page. */
export function paginationOf(client: QianfanClient, route: string, action: string): { name: ActionName; pagination: Pagination } {
  const name = parseActionName(route, action);
  const pagination = client.store.find(name)?.descriptor.pagination;
  if (pagination) return { name, pagination };
  const pageable = client.store
    .list(name.area)
    .filter((entry) => client.store.load(entry).descriptor.pagination !== undefined)
    .map((entry) => entry.action);
  throw new ValidationError(
    `${name.action} (${name.route}) cannot be paged`,
    [
      {
        path: 'action',
        keyword: 'pagination',
        message: `its descriptor declares no pagination; ${pageable.length ? `actions of ${name.route} that page: ${pageable.join(', ')}` : `no action of ${name.route} pages`}`,
      },
    ],
    { route: name.route, action: name.action },
  );
}

/** Every page of a list action, one request per page, in order. */
export function paginatePages<T = unknown>(
  client: QianfanClient,
  route: string,
  action: string,
  body?: Body,
  options?: PaginateOptions,
): AsyncGenerator<Page<T>>;
/** Every page of a list action, with the default client (configured from QIANFAN_* environment variables). */
export function paginatePages<T = unknown>(route: string, action: string, body?: Body, options?: PaginateOptions): AsyncGenerator<Page<T>>;
export function paginatePages<T = unknown>(...args: unknown[]): AsyncGenerator<Page<T>> {
  const [client, route, action, body, options] = withClient<[string, string, Body?, PaginateOptions?]>(args);
  return pagesOf<T>(client, route, action, body ?? {}, options ?? {});
}

/** Every item of a list action across all its pages; requests the next page only when the items of the last are used up. */
export function paginate<T = unknown>(client: QianfanClient, route: string, action: string, body?: Body, options?: PaginateOptions): AsyncGenerator<T>;
/** Every item of a list action, with the default client (configured from QIANFAN_* environment variables). */
export function paginate<T = unknown>(route: string, action: string, body?: Body, options?: PaginateOptions): AsyncGenerator<T>;
export async function* paginate<T = unknown>(...args: unknown[]): AsyncGenerator<T> {
  const [client, route, action, body, options] = withClient<[string, string, Body?, PaginateOptions?]>(args);
  for await (const page of pagesOf<T>(client, route, action, body ?? {}, options ?? {})) yield* page.items;
}

async function* pagesOf<T>(client: QianfanClient, route: string, action: string, body: Body, options: PaginateOptions): AsyncGenerator<Page<T>> {
  const { name, pagination } = paginationOf(client, route, action);
  const { pageSize, ...callOptions } = options;
  const request: Body = { ...body };
  if (pageSize !== undefined) {
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new ConfigError(`pageSize must be a positive whole number, got ${JSON.stringify(pageSize)}`, { code: 'InvalidConfig' });
    request[pagination.limitKey] = Math.min(pageSize, pagination.maxLimit);
  }
  const first = request[pagination.inputToken];
  let marker = typeof first === 'string' && first !== '' ? first : undefined;
  // A console that hands back a marker it already gave would otherwise be paged forever.
  const seen = new Set<string>(marker === undefined ? [] : [marker]);
  for (let number = 1; ; number++) {
    if (options.signal?.aborted) throw abortErrorFrom(options.signal);
    if (marker !== undefined) request[pagination.inputToken] = marker;
    const response = await client.callAction(name.route, name.action, request, callOptions);
    const fields = { route: name.route, action: name.action, requestId: response.requestId };
    const items = readDottedPath(response.result, pagination.items);
    if (items !== undefined && !Array.isArray(items)) {
      throw new ResponseError(`${name.action} page ${number}: result.${pagination.items} is not a list`, { ...fields, code: 'MalformedPage' });
    }
    const next = readDottedPath(response.result, pagination.outputToken);
    const nextMarker = typeof next === 'string' && next !== '' ? next : undefined;
    const truncated = readDottedPath(response.result, pagination.moreResults);
    const more = typeof truncated === 'boolean' ? truncated : nextMarker !== undefined;
    yield { number, items: (items ?? []) as T[], response, marker, nextMarker: more ? nextMarker : undefined };
    if (!more) return;
    if (nextMarker === undefined) {
      throw new ResponseError(
        `${name.action} page ${number}: result.${pagination.moreResults} says more follow but result.${pagination.outputToken} is empty`,
        { ...fields, code: 'MissingPageMarker' },
      );
    }
    if (seen.has(nextMarker)) {
      throw new ResponseError(
        `${name.action} page ${number}: the console returned the marker ${JSON.stringify(nextMarker)} a second time; stopped rather than page in a circle`,
        { ...fields, code: 'RepeatedPageMarker' },
      );
    }
    seen.add(nextMarker);
    marker = nextMarker;
  }
}
