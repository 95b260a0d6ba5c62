/**
 * The scenario: everything the user chose, and all a share link carries. Results are derived
 * from it and never written back into it.
 */
import { defaultShape, SHAPE_KEYS, type AttentionShape, type ShapeKey } from './shape';

/** The pictures the page can show; "view" means which of them is on screen. */
export const VIEWS = ['scores', 'probs', 'mask', 'blocks', 'output'] as const;
export type ViewName = (typeof VIEWS)[number];

/**
 * The longest program a scenario holds, in UTF-16 code units (what `string.length` counts). The
 * editor refuses to grow past it and links are checked against it, so every program the page
 * holds fits a link.
 */
export const MAX_CODE_CHARS = 100_000;

export interface Scenario extends Record<ShapeKey, number> {
  /** The mask program (the single source of truth for masks, score mods and parameters). */
  code: string;
  /** Seed of the random Q, K, V (ignored for an uploaded tensor). */
  seed: number;
  /** Which picture is on screen, and of which batch item and head. */
  view: ViewName;
  b: number;
  h: number;
}

/** Why a program cannot be held, or null when it fits. */
export function codeProblem(code: string): string | null {
  if (code.length <= MAX_CODE_CHARS) return null;
  return `The program is ${code.length} characters long; flexmask holds programs of up to ${MAX_CODE_CHARS} characters, so that every program fits a share link.`;
}

/** Seeds are unsigned 32-bit integers, as a link writes them. */
export const MAX_SEED = 0xffff_ffff;

/**
 * The first screen: the FlexAttention tutorial's padding + causal example. A multi-head attention
 * with d_model 64 and 8 heads (so D = 8 per head), B = 1, a sequence of 10 whose last tokens are
 * padding.
 */
export const DEFAULT_CODE = `# The FlexAttention tutorial's first example: causal attention over a padded batch.
# pads[b, i] is True where token i of batch item b is padding (here the last 3 of 10).
pads = [[False, False, False, False, False, False, False, True, True, True]]

def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx

def padding(b, h, q_idx, kv_idx):
    return ~pads[b, q_idx] & ~pads[b, kv_idx]

mask_mod = and_masks(causal, padding)
`;

export const DEFAULT_SCENARIO: Readonly<Scenario> = Object.freeze({
  code: DEFAULT_CODE,
  ...defaultShape(),
  seed: 0,
  view: 'scores',
  b: 0,
  h: 0,
});

/** The attention shape a scenario asks for. */
export function shapeOf(scenario: Scenario): AttentionShape {
  return Object.fromEntries(SHAPE_KEYS.map((key) => [key, scenario[key]])) as Record<
    ShapeKey,
    number
  >;
}
