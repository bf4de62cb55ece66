/** A resolved call's body checked against its descriptor (as the validation mode says) and serialised, ready to be signed. */
import type { ResolvedAction } from '../descriptors/resolve.js';
import type { Logger } from '../logging/logger.js';
import { checkBody, serialiseBody, type ValidationMode } from './body.js';

/** A call checked and serialised, ready to be signed. */
export interface PreparedCall {
  action: ResolvedAction;
  body: Record<string, unknown>;
  json: string;
}

export function prepareCall(resolved: ResolvedAction, body: unknown, mode: ValidationMode, logger: Logger): PreparedCall {
  const { descriptor, where } = resolved;
  const schema = descriptor ? { check: descriptor.checkBody, schema: descriptor.descriptor.body } : undefined;
  const { warnings } = checkBody(body, schema, mode, where);
  for (const w of warnings) logger.warn(`${where.action}: ${w.path}: ${w.message} (sent anyway: validation is compatible)`);
  const checked = body as Record<string, unknown>;
  return { action: resolved, body: checked, json: serialiseBody(checked, where) };
}
