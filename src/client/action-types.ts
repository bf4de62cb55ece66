/**
 * The types that make callAction typed for the actions in the catalogue (src/generated/actions.ts)
 * and leave it generic for any other route and action.
 */
import type { ConsoleActions } from '../generated/actions.js';
import type { CallOptions } from './options.js';

/** '/v2/finetuning', 'v2/finetuning' and 'finetuning' name the same route, as at run time. */
type RouteKey<Route extends string> = Route extends `/v2/${string}` ? Route : Route extends `v2/${infer Area}` ? `/v2/${Area}` : `/v2/${Route}`;

/** The catalogue's { body, result } for a route and action known at compile time; never for any other. */
export type CatalogueEntry<Route extends string, Action extends string> =
  RouteKey<Route> extends infer Key extends keyof ConsoleActions ? (Action extends keyof ConsoleActions[Key] ? ConsoleActions[Key][Action] : never) : never;

/**
 * The arguments after route and action: for an action in the catalogue its own body — required when
 * the body has required fields — else any object.
 */
export type ActionArguments<Route extends string, Action extends string> = [CatalogueEntry<Route, Action>] extends [never]
  ? [body?: object, options?: CallOptions]
  : CatalogueEntry<Route, Action> extends { body: infer Body }
    ? // biome-ignore lint/complexity/noBannedTypes: `{} extends Body` asks whether every field of Body is optional
      {} extends Body
      ? [body?: Body, options?: CallOptions]
      : [body: Body, options?: CallOptions]
    : never;

/** The `result` of an action in the catalogue; unknown for any other. */
export type ActionResult<Route extends string, Action extends string> = [CatalogueEntry<Route, Action>] extends [never]
  ? unknown
  : CatalogueEntry<Route, Action> extends { result: infer Result }
    ? Result
    : never;
