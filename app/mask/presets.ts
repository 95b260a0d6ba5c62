/**
 * The preset catalogue: every mask and score mod of attention-gym's catalogue (docs/presets.md), and the masks attention-gym
 * added since (sliding tile attention, Sparse VideoGen, JetSpec), each a program in the mask
 * language (`presets/<id>.py`, plain text a PyTorch user would recognise) with the example
 * settings it is shown at. The programs are loaded as raw text so what the user reads and edits is
 * exactly the file in the repository.
 */
import alibi from './presets/alibi.py?raw';
import batchify from './presets/batchify.py?raw';
import blockDiffusion from './presets/block_diffusion.py?raw';
import causal from './presets/causal.py?raw';
import dilatedSlidingWindow from './presets/dilated_sliding_window.py?raw';
import document from './presets/document.py?raw';
import globalSliding from './presets/global_sliding.py?raw';
import headBias from './presets/head_bias.py?raw';
import jetspecTraining from './presets/jetspec_training.py?raw';
import jetspecTree from './presets/jetspec_tree.py?raw';
import mortonNatten from './presets/morton_natten.py?raw';
import natten2d from './presets/natten_2d.py?raw';
import packedCausalDocuments from './presets/packed_causal_documents.py?raw';
import padding from './presets/padding.py?raw';
import prefixLm from './presets/prefix_lm.py?raw';
import relativePosition from './presets/relative_position.py?raw';
import sharedPrefix from './presets/shared_prefix.py?raw';
import slidingWindow from './presets/sliding_window.py?raw';
import slidingWindowHf from './presets/sliding_window_hf.py?raw';
import softCap from './presets/soft_cap.py?raw';
import sta2d from './presets/sta_2d.py?raw';
import sta2dText from './presets/sta_2d_text.py?raw';
import sta3d from './presets/sta_3d.py?raw';
import svgSpatial from './presets/svg_spatial.py?raw';
import svgTemporal from './presets/svg_temporal.py?raw';
import tiledNatten from './presets/tiled_natten.py?raw';
import tree from './presets/tree.py?raw';
import visionCrossAttention from './presets/vision_cross_attention.py?raw';

/** The sizes a preset is shown at: the example settings of docs/presets.md, or the preset's own. */
export interface PresetExample {
  Q: number;
  KV: number;
  B: number;
  H: number;
}

export interface Preset {
  id: string;
  title: string;
  /** One line, for a menu or a tooltip. */
  description: string;
  /** 'score' presets define a score_mod (and a plain mask_mod so the program is complete). */
  kind: 'mask' | 'score';
  source: string;
  example: PresetExample;
  /** The program's top-level numeric parameters and their values in `source`. */
  params: Record<string, number>;
}

/** A square self-attention example: Q = KV = tokens. */
function square(tokens: number, B = 1, H = 1): PresetExample {
  return { Q: tokens, KV: tokens, B, H };
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'causal',
    title: 'Causal',
    description: 'Each token sees itself and every token before it.',
    kind: 'mask',
    source: causal,
    example: square(12),
    params: {},
  },
  {
    id: 'sliding_window',
    title: 'Sliding window',
    description: "Causal, limited to self plus the WINDOW previous tokens (attention-gym's size).",
    kind: 'mask',
    source: slidingWindow,
    example: square(12),
    params: { WINDOW: 3 },
  },
  {
    id: 'sliding_window_hf',
    title: 'Sliding window (Hugging Face variant)',
    description:
      "Variant: Hugging Face's window of WINDOW is self plus WINDOW - 1 previous tokens, one fewer.",
    kind: 'mask',
    source: slidingWindowHf,
    example: square(12),
    params: { WINDOW: 3 },
  },
  {
    id: 'dilated_sliding_window',
    title: 'Dilated sliding window',
    description: 'Keys up to WINDOW away in both directions, at distances divisible by DILATION.',
    kind: 'mask',
    source: dilatedSlidingWindow,
    example: square(24),
    params: { WINDOW: 4, DILATION: 2 },
  },
  {
    id: 'global_sliding',
    title: 'Global + sliding window (Longformer)',
    description:
      'A symmetric local window plus global tokens 0 and 8 that see and are seen by all.',
    kind: 'mask',
    source: globalSliding,
    example: square(16),
    params: { WINDOW: 3 },
  },
  {
    id: 'prefix_lm',
    title: 'Prefix LM',
    description: 'The first PREFIX tokens are visible to everyone; the rest is causal.',
    kind: 'mask',
    source: prefixLm,
    example: square(12),
    params: { PREFIX: 4 },
  },
  {
    id: 'document',
    title: 'Document mask (jagged)',
    description: 'Four packed documents; causal inside each, on document-local positions.',
    kind: 'mask',
    source: document,
    example: square(21),
    params: {},
  },
  {
    id: 'packed_causal_documents',
    title: 'Packed causal documents',
    description: "Causal, with no key before the start of the query's document.",
    kind: 'mask',
    source: packedCausalDocuments,
    example: square(21),
    params: {},
  },
  {
    id: 'shared_prefix',
    title: 'Shared prefix',
    description: 'Causal inside each document; each continuation also sees its whole prompt.',
    kind: 'mask',
    source: sharedPrefix,
    example: square(18),
    params: {},
  },
  {
    id: 'padding',
    title: 'Padding',
    description:
      'Two sequences of 10 with 7 and 4 real tokens; padded queries and keys are masked.',
    kind: 'mask',
    source: padding,
    example: square(10, 2),
    params: {},
  },
  {
    id: 'batchify',
    title: 'Batchify',
    description: 'Groups of SIZE tokens attend only inside their group, causally.',
    kind: 'mask',
    source: batchify,
    example: square(12),
    params: { SIZE: 4 },
  },
  {
    id: 'vision_cross_attention',
    title: 'Vision cross-attention (Flamingo)',
    description:
      '12 text queries x 9 image keys; text token q sees image i when start_i <= q < end_i.',
    kind: 'mask',
    source: visionCrossAttention,
    example: { Q: 12, KV: 9, B: 1, H: 1 },
    params: { IMAGE_TOKEN_LENGTH: 3 },
  },
  {
    id: 'natten_2d',
    title: 'NATTEN 2D',
    description: 'A 3x3 neighbourhood on a 6x6 canvas, its centre clamped away from the edges.',
    kind: 'mask',
    source: natten2d,
    example: square(36),
    params: { CANVAS: 6, KERNEL: 3 },
  },
  {
    id: 'tiled_natten',
    title: 'Tiled NATTEN',
    description: 'NATTEN 2D over a tile-major layout of the 6x6 canvas, 2x2 tiles.',
    kind: 'mask',
    source: tiledNatten,
    example: square(36),
    params: { CANVAS: 6, KERNEL: 3, TILE: 2 },
  },
  {
    id: 'morton_natten',
    title: 'Morton NATTEN',
    description: 'NATTEN 2D in Z-order on an 8x8 canvas (Z-order needs a power-of-two square).',
    kind: 'mask',
    source: mortonNatten,
    example: square(64),
    params: { CANVAS: 8, KERNEL: 3 },
  },
  {
    id: 'block_diffusion',
    title: 'Block diffusion (BD3-LM)',
    description: 'Noised then clean copies: block-diagonal, offset block-causal, block-causal.',
    kind: 'mask',
    source: blockDiffusion,
    example: square(24),
    params: { SEQ: 12, BLOCK: 4 },
  },
  {
    id: 'tree',
    title: 'Tree (speculative decoding)',
    description: 'A causal prefix, then draft tokens that see the prefix and their own ancestors.',
    kind: 'mask',
    source: tree,
    example: square(11),
    params: { PREFIX: 4 },
  },
  {
    id: 'relative_position',
    title: 'Relative position',
    description: 'score + (q - kv): a bias that grows with distance to earlier keys; no mask.',
    kind: 'score',
    source: relativePosition,
    example: square(12),
    params: {},
  },
  {
    id: 'head_bias',
    title: 'Head bias',
    description: 'score + 2 * h: every head shifted by its own constant; no mask.',
    kind: 'score',
    source: headBias,
    example: square(12, 1, 4),
    params: {},
  },
  {
    id: 'alibi',
    title: 'ALiBi',
    description:
      'score + (kv - q) * 2^(-8(h+1)/HEADS): a per-head distance penalty, with a causal mask.',
    kind: 'score',
    source: alibi,
    example: square(12, 1, 8),
    params: { HEADS: 8 },
  },
  {
    id: 'soft_cap',
    title: 'Tanh soft-cap',
    description: 'CAP * tanh(score / CAP): scores squashed smoothly into (-CAP, CAP); no mask.',
    kind: 'score',
    source: softCap,
    example: square(12),
    params: { CAP: 30 },
  },
  // attention-gym's later masks. They come last so that the golden links' case names, which
  // follow catalogue order (app/url/golden/cases.ts), stay what they were.
  {
    id: 'sta_2d',
    title: 'Sliding tile attention 2D (STA)',
    description:
      'A 4x4 image stored in 2x2 tiles; each tile sees a window of whole tiles (here: itself).',
    kind: 'mask',
    source: sta2d,
    example: square(16),
    params: { CANVAS_H: 4, CANVAS_W: 4, KERNEL_H: 2, KERNEL_W: 2, TILE_H: 2, TILE_W: 2 },
  },
  {
    id: 'sta_2d_text',
    title: 'Sliding tile attention 2D + text',
    description:
      'STA on a 4x4 image plus 4 text tokens: the image sees its tiles and the text; text sees all.',
    kind: 'mask',
    source: sta2dText,
    example: square(20),
    params: {
      CANVAS_H: 4,
      CANVAS_W: 4,
      KERNEL_H: 2,
      KERNEL_W: 2,
      TILE_H: 2,
      TILE_W: 2,
      TEXT_SEQ_LEN: 4,
    },
  },
  {
    id: 'sta_3d',
    title: 'Sliding tile attention 3D (STA, video)',
    description:
      'Two 4x4 frames stored in 2x2x2 space-time tiles; each tile sees a window of whole tiles.',
    kind: 'mask',
    source: sta3d,
    example: square(32),
    params: {
      CANVAS_T: 2,
      CANVAS_H: 4,
      CANVAS_W: 4,
      KERNEL_T: 2,
      KERNEL_H: 2,
      KERNEL_W: 2,
      TILE_T: 2,
      TILE_H: 2,
      TILE_W: 2,
    },
  },
  {
    id: 'svg_spatial',
    title: 'Sparse VideoGen spatial head',
    description:
      'A 4-token prompt sees and is seen by all; video tokens see a band |q - kv| < 8 (one frame).',
    kind: 'mask',
    source: svgSpatial,
    example: square(28),
    params: { PROMPT_LENGTH: 4, NUM_FRAMES: 3, TOKEN_PER_FRAME: 8, WIDTH: 1, ROUND_WIDTH: 4 },
  },
  {
    id: 'svg_temporal',
    title: 'Sparse VideoGen temporal head',
    description:
      'The same prompt and 3 frames of 8; video tokens see the same place in every frame.',
    kind: 'mask',
    source: svgTemporal,
    example: square(28),
    params: { PROMPT_LENGTH: 4, NUM_FRAMES: 3, TOKEN_PER_FRAME: 8, WIDTH: 1 },
  },
  {
    id: 'jetspec_tree',
    title: 'JetSpec tree-causal',
    description:
      '6 draft-tree queries x (4 prefix + 6 tree) keys: the prefix, then self and ancestors.',
    kind: 'mask',
    source: jetspecTree,
    example: { Q: 6, KV: 10, B: 1, H: 1 },
    params: { PREFIX_LENGTH: 4 },
  },
  {
    id: 'jetspec_training',
    title: 'JetSpec draft-head training',
    description:
      '3 sampled blocks of 3 queries x (4 prefix + 9) keys: the prefix, then causal in-block.',
    kind: 'mask',
    source: jetspecTraining,
    example: { Q: 9, KV: 13, B: 1, H: 1 },
    params: { PREFIX_LENGTH: 4, BLOCK_SIZE: 3 },
  },
];

/** The preset with this id, or undefined when there is none. */
export function presetById(id: string): Preset | undefined {
  return PRESETS.find((preset) => preset.id === id);
}
