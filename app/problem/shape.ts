/**
 * The sizes of one attention problem, and the one table of their limits. The shape controls,
 * the link validator, the runner and the engine all read `SHAPE_FIELDS`; a device can only
 * lower a maximum (`lowerShapeLimits`), never raise one, so any scenario the page lets you make
 * is one its share link reopens unchanged.
 */

/** The sizes of one attention problem (docs/blockmask.md). */
export interface AttentionShape {
  B: number;
  /** Query heads. */
  H: number;
  /** Key/value heads; H must be a multiple of HKV (GQA), equal to H without GQA. */
  HKV: number;
  Q: number;
  KV: number;
  D: number;
  DV: number;
  blockQ: number;
  blockKV: number;
  /** Softmax scale; 1/sqrt(D) when absent. */
  scale?: number;
}

export const SHAPE_KEYS = ['B', 'H', 'HKV', 'Q', 'KV', 'D', 'DV', 'blockQ', 'blockKV'] as const;
export type ShapeKey = (typeof SHAPE_KEYS)[number];

/** One size of the problem: how the page labels it, how a link names it, and its range. */
export interface ShapeField {
  readonly key: ShapeKey;
  /** The name the page shows (PyTorch's, where it has one). */
  readonly label: string;
  /** A few words on what the size is. */
  readonly hint: string;
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/**
 * Maxima are what one run can sensibly hold: the memory budget (app/engine/memoryBudget.ts)
 * decides whether a whole shape fits, so a maximum only bounds one size taken alone. Block
 * sizes stop at 256 because the kernels tile a block in one workgroup.
 */
export const SHAPE_FIELDS: readonly ShapeField[] = Object.freeze([
  { key: 'B', label: 'B', hint: 'batch', min: 1, max: 64, default: 1 },
  { key: 'H', label: 'H', hint: 'query heads', min: 1, max: 256, default: 8 },
  { key: 'HKV', label: 'Hkv', hint: 'kv heads (GQA)', min: 1, max: 256, default: 8 },
  { key: 'Q', label: 'Q_LEN', hint: 'queries', min: 1, max: 65536, default: 10 },
  { key: 'KV', label: 'KV_LEN', hint: 'keys', min: 1, max: 65536, default: 10 },
  { key: 'D', label: 'D', hint: 'head dim', min: 1, max: 512, default: 8 },
  { key: 'DV', label: 'Dv', hint: 'value dim', min: 1, max: 512, default: 8 },
  { key: 'blockQ', label: 'Q block', hint: 'BlockMask rows', min: 1, max: 256, default: 128 },
  { key: 'blockKV', label: 'KV block', hint: 'BlockMask columns', min: 1, max: 256, default: 128 },
]);

/** The largest value each size may take here: the table's maxima, perhaps lowered by a device. */
export type ShapeLimits = Readonly<Record<ShapeKey, number>>;

export const SHAPE_MAXIMA: ShapeLimits = Object.freeze(
  Object.fromEntries(SHAPE_FIELDS.map((f) => [f.key, f.max])) as Record<ShapeKey, number>,
);

/** The table's row for one size. */
export function shapeField(key: ShapeKey): ShapeField {
  const field = SHAPE_FIELDS.find((f) => f.key === key);
  if (field === undefined) throw new Error(`no shape field ${key}`);
  return field;
}

/** The table's defaults: the first screen's shape. */
export function defaultShape(): Record<ShapeKey, number> {
  return Object.fromEntries(SHAPE_FIELDS.map((f) => [f.key, f.default])) as Record<
    ShapeKey,
    number
  >;
}

/**
 * Limits no looser than `base` and no looser than `tighter`. A value that is missing, not
 * finite, or above the base is ignored; none goes below the field's minimum. (A default above a
 * lowered maximum is pulled into range where a scenario is checked.)
 */
export function lowerShapeLimits(
  tighter: Partial<Record<ShapeKey, number>>,
  base: ShapeLimits = SHAPE_MAXIMA,
): ShapeLimits {
  const lowered = {} as Record<ShapeKey, number>;
  for (const field of SHAPE_FIELDS) {
    const wanted = tighter[field.key];
    const current = base[field.key];
    lowered[field.key] =
      typeof wanted === 'number' && Number.isFinite(wanted)
        ? Math.max(field.min, Math.min(current, Math.floor(wanted)))
        : current;
  }
  return Object.freeze(lowered);
}

/**
 * The first thing wrong with a shape, as a sentence, or null when every size is a whole number
 * in its range and HKV divides H. The runner shows it; the engine throws it.
 */
export function shapeProblem(
  shape: Pick<AttentionShape, ShapeKey>,
  limits: ShapeLimits = SHAPE_MAXIMA,
): string | null {
  for (const field of SHAPE_FIELDS) {
    const value = shape[field.key];
    const max = limits[field.key];
    if (!Number.isInteger(value) || value < field.min || value > max) {
      return `${field.label} must be a whole number from ${field.min} to ${max}, got ${value}.`;
    }
  }
  if (shape.H % shape.HKV !== 0) {
    return `H (${shape.H}) must be a multiple of Hkv (${shape.HKV}): each key/value head serves H / Hkv query heads (GQA).`;
  }
  return null;
}
