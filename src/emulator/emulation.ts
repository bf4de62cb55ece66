/**
 * The `emulation:` block of a descriptor, as typed data. The descriptor meta-schema
 * (actions/descriptor.schema.json, definitions.emulation) checks its shape when the descriptor loads;
 * the rules that span fields or need the rest of the descriptor are checked here, once per descriptor,
 * so that a mistake in a dropped-in YAML file is reported by name rather than as odd behaviour.
 */
import type { LoadedAction } from '../descriptors/store.js';
import { DescriptorError } from '../errors.js';
import { forbiddenSegment } from './dotted.js';
import { templateProblems } from './templates.js';

export type EmulationKind = 'create' | 'describe' | 'list' | 'update' | 'delete';

export interface LifecycleStage {
  status: string;
  /** Duration at speed 1; the first stage without it is final. */
  seconds?: number;
  /** Whether the lifecycle's progress field shows during this stage. */
  progress?: boolean;
  /** Fields taken on entering the stage. */
  set?: Record<string, unknown>;
}

export interface Lifecycle {
  field: string;
  progress?: string;
  stages: LifecycleStage[];
}

/** "record" | "id" | field names to pick | any other JSON value, returned as is. */
export type Returns = 'record' | 'id' | string[] | boolean | number | Record<string, unknown>;

export interface EmulationBlock {
  resource: string;
  kind: EmulationKind;
  idField?: string;
  idPrefix?: string;
  parent?: { resource: string; field: string };
  defaults?: Record<string, unknown>;
  set?: Record<string, unknown> | '$body';
  onlyFrom?: Record<string, string[]>;
  returns?: Returns;
  items?: string;
  filters?: string[] | Record<string, string>;
  lifecycle?: Lifecycle;
}

/** Which block fields each kind reads; any other is a mistake worth naming. */
const FIELDS_OF_KIND: Record<EmulationKind, ReadonlySet<string>> = {
  create: new Set(['idField', 'idPrefix', 'parent', 'defaults', 'set', 'returns', 'lifecycle']),
  describe: new Set(['idField', 'filters', 'returns']),
  list: new Set(['parent', 'items', 'filters']),
  update: new Set(['idField', 'set', 'onlyFrom', 'returns']),
  delete: new Set(['idField', 'onlyFrom', 'returns']),
};

const checked = new WeakMap<LoadedAction, EmulationBlock | null>();

/** The action's emulation block, checked; undefined when it has none. Throws DescriptorError naming the file. */
export function emulationOf(action: LoadedAction): EmulationBlock | undefined {
  let block = checked.get(action);
  if (block === undefined) {
    block = (action.descriptor.emulation as EmulationBlock | undefined) ?? null;
    if (block) {
      const problems = blockProblems(block, action);
      if (problems.length > 0) {
        const file = action.source.file;
        throw new DescriptorError(`${file}: emulation block of ${action.descriptor.action}: ${problems.join('; ')}`, { file });
      }
    }
    checked.set(action, block);
  }
  return block ?? undefined;
}

function blockProblems(block: EmulationBlock, action: LoadedAction): string[] {
  const problems: string[] = [];
  const allowed = FIELDS_OF_KIND[block.kind];
  for (const field of Object.keys(block)) {
    if (field !== 'resource' && field !== 'kind' && !allowed.has(field)) problems.push(`${field} has no meaning for kind ${block.kind}`);
  }
  if (block.kind === 'list' && !block.items && !action.descriptor.pagination) {
    problems.push('a list needs items (the result field of the list) or a pagination block');
  }
  if (block.kind === 'create' && block.set === '$body') problems.push('set: "$body" is for updates; a create keeps the body anyway');
  if (block.lifecycle && !block.lifecycle.stages.some((stage) => stage.seconds === undefined)) {
    problems.push('the last lifecycle stage must have no seconds: it is where the record stays');
  }
  for (const path of fieldPaths(block)) {
    const forbidden = forbiddenSegment(path);
    if (forbidden !== undefined) problems.push(`the field path ${JSON.stringify(path)} has the segment ${forbidden}, which is refused`);
  }
  problems.push(...templateProblems([block.defaults, block.set === '$body' ? undefined : block.set, block.returns, block.lifecycle?.stages.map((s) => s.set)]));
  return problems;
}

/** Every field name or dotted path the block points with. */
function fieldPaths(block: EmulationBlock): string[] {
  const filters = Array.isArray(block.filters) ? block.filters : Object.entries(block.filters ?? {}).flat();
  return [
    block.items,
    block.idField,
    block.parent?.field,
    block.lifecycle?.field,
    block.lifecycle?.progress,
    ...filters,
    ...Object.keys(block.onlyFrom ?? {}),
    ...(Array.isArray(block.returns) ? block.returns : []),
  ].filter((path): path is string => typeof path === 'string');
}
