import type { JsonSchema } from '../validation/schema.js';

export interface Pagination {
  inputToken: string;
  limitKey: string;
  maxLimit: number;
  outputToken: string;
  moreResults: string;
  items: string;
}

export interface Waiter {
  summary: string;
  status: string;
  progress?: string;
  success: string[];
  failure: string[];
  intervalMs: number;
  timeoutMs: number;
}

export interface Example {
  title?: string;
  body: Record<string, unknown>;
  result?: unknown;
}

/** A descriptor as written in actions/<area>/<Action>.yaml, after the format was checked and defaults filled. */
export interface ActionDescriptor {
  action: string;
  route: string;
  summary: string;
  description?: string;
  docs: string;
  /** Where the facts come from: doc URLs or SDK paths with what each confirms. */
  sources?: string[];
  idempotent: boolean;
  /** Absent means application/json; multipart/form-data marks an upload the client refuses to send as JSON. */
  contentType?: 'application/json' | 'multipart/form-data';
  notes?: string | string[];
  body: JsonSchema;
  result: JsonSchema;
  examples?: Example[];
  pagination?: Pagination;
  waiters?: Record<string, Waiter>;
  emulation?: Record<string, unknown>;
}

/** Where a descriptor came from: shown in errors and by `describe`. */
export interface DescriptorSource {
  file: string;
  /** Index in the search path; 0 is the built-in actions/. */
  layer: number;
}

export interface LoadedDescriptor {
  descriptor: ActionDescriptor;
  source: DescriptorSource;
}
