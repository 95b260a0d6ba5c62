/**
 * The scenario: everything the user chose, and all a share link carries. Results are derived
 * from it and never written back into it.
 */

export const VIEWS = ['scores', 'probs', 'mask', 'blocks', 'output'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface Scenario {
  /** The mask program (the single source of truth for masks, score mods and parameters). */
  code: string;
  B: number;
  H: number;
  HKV: number;
  Q: number;
  KV: number;
  D: number;
  DV: number;
  blockQ: number;
  blockKV: number;
  /** Seed of the random Q, K, V (ignored for an uploaded tensor). */
  seed: number;
  /** Which picture is on screen, and of which batch item and head. */
  view: ViewName;
  b: number;
  h: number;
}

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

export const DEFAULT_SCENARIO: Scenario = {
  code: DEFAULT_CODE,
  B: 1,
  H: 8,
  HKV: 8,
  Q: 10,
  KV: 10,
  D: 8,
  DV: 8,
  blockQ: 128,
  blockKV: 128,
  seed: 0,
  view: 'scores',
  b: 0,
  h: 0,
};
