import mtr2026 from './mtr2-2026.json';
import { ProgrammeParamsSchema, type ProgrammeParams } from './schema';

export * from './schema';

/** Identifier of the grid the specification of March 2026 prints. */
export const DEFAULT_GRID_VERSION = 'MTR2-2026';

// Parameter sets are data (JSON), validated once at load time like any other input.
const REGISTRY: ReadonlyMap<string, ProgrammeParams> = new Map([
  [DEFAULT_GRID_VERSION, deepFreeze(ProgrammeParamsSchema.parse(mtr2026))],
]);

/** Known parameter-set versions. */
export function gridVersions(): string[] {
  return [...REGISTRY.keys()];
}

/** The programme parameters of a grid version; throws RangeError for an unknown version. */
export function getProgrammeParams(version: string = DEFAULT_GRID_VERSION): ProgrammeParams {
  const params = REGISTRY.get(version);
  if (!params)
    throw new RangeError(
      `unknown grid version ${JSON.stringify(version)} (known: ${gridVersions().join(', ')})`,
    );
  return params;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
