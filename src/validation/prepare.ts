/** A resolved call's body checked against its descriptor (as the validation mode says) and serialised, ready to be signed. */
import type { ResolvedAction } from '../descriptors/resolve.js';
import { checkBody, serialiseBody, type ValidationMode } from './body.js';
import type { ValidationNotices } from './notices.js';

/** A call checked and serialised, ready to be signed. */
export interface PreparedCall {
  action: ResolvedAction;
  body: Record<string, unknown>;
  json: string;
}

export function prepareCall(resolved: ResolvedAction, body: unknown, mode: ValidationMode, notices: ValidationNotices): PreparedCall {
  const { descriptor, where } = resolved;
  const schema = descriptor ? { check: descriptor.checkBody, schema: descriptor.descriptor.body } : undefined;
  const { warnings } = checkBody(body, schema, mode, where);
  if (warnings.length > 0) notices.warnSent(where, warnings);
  const checked = body as Record<string, unknown>;
  return { action: resolved, body: checked, json: serialiseBody(checked, where) };
}
