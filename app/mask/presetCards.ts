/**
 * The gallery's teaching cards: for each preset, what it is for, which models use it, and what to
 * notice in its block grid. `grid` names the block size the card's numbers are about and the counts
 * of the grid of batch item 0, head 0 at the preset's example size; presetCards.test.ts recomputes
 * them with the reference's createBlockMask, so a number a card states cannot drift from the truth.
 *
 * Model names are given only where the use is documented in the model's paper or code; teaching
 * examples say so instead of naming a model.
 */

export interface GridFacts {
  /** Square block size (blockQ = blockKV) the card's numbers are about. */
  block: number;
  partial: number;
  full: number;
  /** Blocks the kernel skips. */
  empty: number;
}

export interface PresetCard {
  whatFor: string;
  /** Which models use it, or why none is named. */
  models: string;
  /** What to notice in the block grid at `grid.block`. */
  notice: string;
  grid: GridFacts;
}

export const PRESET_CARDS: Readonly<Record<string, PresetCard>> = {
  causal: {
    whatFor: 'Autoregressive language modelling: a token may only look at itself and the past.',
    models: 'Used in GPT-style decoder-only language models (GPT-2, GPT-3, Llama, Mistral).',
    notice:
      'At 4 x 4 blocks the grid is a staircase: the 3 blocks on the diagonal are partial (half ' +
      'allowed, so mask_mod runs element by element), the 3 below are full (computed with no mask) ' +
      'and the 3 above are empty, skipped. With realistic 128-token blocks almost every block is full ' +
      'or empty, which is why causal FlexAttention is nearly twice as fast as dense attention.',
    grid: { block: 4, partial: 3, full: 3, empty: 3 },
  },
  sliding_window: {
    whatFor:
      'Local attention: cost grows linearly with length because each token sees a fixed window.',
    models:
      'Used in Mistral 7B, in the local (sliding-window) layers of Gemma 2 and Gemma 3, and in ' +
      "Longformer's local attention (Longformer's window is symmetric, not causal).",
    notice:
      "attention-gym's WINDOW = 3 means self plus 3 earlier keys. At 2 x 2 blocks: 10 partial and 5 " +
      'full blocks along a band; everything far from the diagonal is empty and skipped. Compare with ' +
      'the Hugging Face variant: one key fewer per row, and its full blocks disappear.',
    grid: { block: 2, partial: 10, full: 5, empty: 21 },
  },
  sliding_window_hf: {
    whatFor:
      "The same local attention with Hugging Face's convention, to show an off-by-one that bites " +
      'when porting a model.',
    models:
      "Hugging Face transformers' sliding_window setting (as in its Mistral and Gemma 2 configs) " +
      'counts the query itself: a window of W is self plus W - 1 earlier tokens.',
    notice:
      'Same WINDOW = 3, one key fewer per row than attention-gym: at 2 x 2 blocks there are 11 ' +
      "partial blocks and no full block at all (attention-gym's window gives 10 partial + 5 full). " +
      'The band is one diagonal thinner: the same number in a config means a different mask.',
    grid: { block: 2, partial: 11, full: 0, empty: 25 },
  },
  dilated_sliding_window: {
    whatFor:
      'A wider receptive field for the same number of keys: every DILATION-th key within WINDOW, ' +
      'in both directions.',
    models: 'The Longformer paper uses dilated sliding windows in some heads of its upper layers.',
    notice:
      'Dilation leaves holes inside every visited block, so no block can be full: at 4 x 4 blocks ' +
      'all 16 computed blocks are partial. Dilation saves FLOPs only if the holes line up with ' +
      'whole blocks; here the kernel still visits every block of the band.',
    grid: { block: 4, partial: 16, full: 0, empty: 20 },
  },
  global_sliding: {
    whatFor:
      'Local attention plus a few global tokens (like [CLS]) that see, and are seen by, the whole ' +
      'sequence.',
    models: 'Longformer (global + sliding window); BigBird adds random blocks to this pattern.',
    notice:
      'The global tokens 0 and 8 turn their whole block row and block column into computed blocks: ' +
      'at 4 x 4 blocks 14 of 16 blocks are computed (10 partial, 4 full), so sparsity is only ' +
      '12.5% at this tiny length. On long sequences a few global rows cost little.',
    grid: { block: 4, partial: 10, full: 4, empty: 2 },
  },
  prefix_lm: {
    whatFor:
      'Bidirectional attention over a prompt (the prefix), causal attention over what follows.',
    models:
      "UniLM's sequence-to-sequence mode, the prefix-LM objective studied in the T5 paper, and " +
      'PaliGemma (image and prompt tokens form the prefix).',
    notice:
      'At 4 x 4 blocks the prefix fills the first block column: those blocks become full, not ' +
      'partial; only the 2 diagonal blocks past the prefix stay partial (4 full, 3 empty).',
    grid: { block: 4, partial: 2, full: 4, empty: 3 },
  },
  document: {
    whatFor:
      'Training on packed sequences: several documents share one row of the batch without ' +
      'attending to each other.',
    models:
      'Used for packed pre-training, e.g. Llama 3 masks attention between documents packed into ' +
      'one sequence.',
    notice:
      'Document lengths 5, 7, 3, 6 do not line up with 4 x 4 blocks: every block a document ' +
      'boundary crosses is partial. Here all 11 computed blocks are partial and none is full. ' +
      'If the tokens were not sorted by document (ids interleaved), nearly every block would hold ' +
      'several documents and be partial or computed for nothing; packing documents contiguously ' +
      '(and sorting lengths so boundaries fall on block edges) is what makes the mask block-sparse.',
    grid: { block: 4, partial: 11, full: 0, empty: 25 },
  },
  packed_causal_documents: {
    whatFor:
      'The same packing, written as a range check: a key must lie between the start of the ' +
      "query's document and the query.",
    models: 'Used for packed pre-training (the document-start form of a document mask).',
    notice:
      'Same grid as the document mask (11 partial, 0 full at 4 x 4 blocks), written without a ' +
      'document-id lookup per key: two masks with different code give one BlockMask.',
    grid: { block: 4, partial: 11, full: 0, empty: 25 },
  },
  shared_prefix: {
    whatFor:
      'Several continuations of one prompt in one sequence: each sees its prompt, not its siblings.',
    models:
      'A training layout for several sampled completions of one prompt (e.g. in RL fine-tuning); ' +
      'not tied to one model.',
    notice:
      'At 2 x 2 blocks the prompt documents make block columns that reach down past the diagonal: ' +
      '19 partial and 6 full blocks, the rest skipped. The prompt is computed once and shared ' +
      'instead of being copied into each continuation.',
    grid: { block: 2, partial: 19, full: 6, empty: 56 },
  },
  padding: {
    whatFor:
      'Batches of sequences of different lengths padded to one length: padded queries and keys ' +
      'must not count.',
    models:
      'Every batched Transformer: it is the attention_mask of Hugging Face models and the ' +
      "FlexAttention tutorial's first example.",
    notice:
      'For batch item 0 (7 real tokens of 10) at 2 x 2 blocks: 9 full blocks, 7 partial (where ' +
      'the padding starts mid-block), 9 empty. The mask reads b, so the BlockMask keeps one grid ' +
      'per batch item: switch b to see item 1 (4 real tokens) skip far more.',
    grid: { block: 2, partial: 7, full: 9, empty: 9 },
  },
  batchify: {
    whatFor:
      "attention-gym's helper: run an inner mask on independent groups of SIZE tokens packed into " +
      'one sequence.',
    models: 'A utility pattern, not a model.',
    notice:
      'With SIZE = 4 and 4 x 4 blocks each group is exactly one block: the grid is block-diagonal ' +
      '(3 partial blocks, each a causal triangle) and every off-diagonal block is empty.',
    grid: { block: 4, partial: 3, full: 0, empty: 6 },
  },
  vision_cross_attention: {
    whatFor:
      'Cross-attention from text tokens to image tokens: each text token sees only the images ' +
      'its interval allows.',
    models:
      'Flamingo (text tokens attend to the image that precedes them) and open reproductions such ' +
      'as IDEFICS.',
    notice:
      'Q and KV differ (12 text x 9 image tokens), so the grid is not square. At 3 x 3 blocks ' +
      'each image is one block column: a text block is full where its whole interval covers the ' +
      'image, partial where an interval starts or ends inside it. Keys map to images through ' +
      'torch.repeat_interleave over IMAGE_TOKEN_LENGTH: set it to 4 (and KV = 12) for bigger ' +
      'images.',
    grid: { block: 3, partial: 4, full: 4, empty: 4 },
  },
  natten_2d: {
    whatFor:
      'Local 2-D attention for images: each pixel attends to a KERNEL x KERNEL neighbourhood.',
    models: 'Neighborhood Attention Transformer (NAT) and DiNAT (dilated neighbourhoods).',
    notice:
      'Row-major order puts vertical neighbours CANVAS tokens apart, so each query block touches ' +
      'key blocks from three canvas rows: at 4 x 4 blocks all 45 computed blocks are partial, ' +
      'none full. Compare with the tiled and Morton layouts.',
    grid: { block: 4, partial: 45, full: 0, empty: 36 },
  },
  tiled_natten: {
    whatFor: 'The same neighbourhood with tokens stored tile by tile (2 x 2 tiles).',
    models: 'A token layout used with NATTEN-style local attention to improve block locality.',
    notice:
      'Tiles keep 2-D neighbours close in the sequence: at 4 x 4 blocks (one tile per block) ' +
      '9 blocks become full and only 40 are partial (row-major: 45 partial, 0 full), so fewer ' +
      'blocks need mask_mod. On this small canvas it skips slightly fewer blocks (39.5% against ' +
      '44.4%): a layout trades partial blocks for full ones before it pays off in sparsity.',
    grid: { block: 4, partial: 40, full: 9, empty: 32 },
  },
  morton_natten: {
    whatFor:
      'The same neighbourhood with tokens in Z-order (Morton order), which keeps 2-D neighbours ' +
      'close in 1-D at every scale.',
    models:
      "attention-gym's NATTEN example compares raster, tiled and Morton layouts; NATTEN-style " +
      'models can use any of them.',
    notice:
      'On this 8 x 8 canvas at 4 x 4 blocks each block is a 2 x 2 patch of pixels: 16 blocks ' +
      'become full and 84 partial, where row-major order on the same canvas gives 96 partial and ' +
      'none full. Whether Morton also skips more blocks depends on kernel vs block size: with ' +
      'KERNEL = 5 at 4 x 4 blocks it skips 43.8% of blocks against 37.5% for row-major order; ' +
      'with blocks of 8 and KERNEL = 3, row-major skips more.',
    grid: { block: 4, partial: 84, full: 16, empty: 156 },
  },
  block_diffusion: {
    whatFor:
      'Block diffusion language models: a noised copy of the sequence attends to itself block by ' +
      'block and to the clean blocks before it.',
    models: 'BD3-LM (Block Discrete Denoising Diffusion Language Models).',
    notice:
      'The diffusion block (4) equals the BlockMask block (4): every computed block is full, none ' +
      'partial, so the kernel never calls mask_mod. Change BLOCK to 3 and partial blocks appear.',
    grid: { block: 4, partial: 0, full: 12, empty: 24 },
  },
  tree: {
    whatFor:
      'Verifying a tree of draft tokens in one forward pass: each draft sees the prefix and its ' +
      'own ancestors.',
    models: 'Speculative decoding with token trees: Medusa, EAGLE, SpecInfer.',
    notice:
      'At 2 x 2 blocks: 10 partial and 9 full blocks. The prefix part is a causal staircase; the ' +
      'tree part is irregular, so its blocks are almost all partial — small trees are cheap, but ' +
      'the kernel evaluates mask_mod there element by element.',
    grid: { block: 2, partial: 10, full: 9, empty: 17 },
  },
  relative_position: {
    whatFor: 'A bias that depends on the distance between query and key.',
    models:
      "The FlexAttention blog's first score_mod example; models learn such biases (T5's bucketed " +
      'relative position bias).',
    notice:
      'A score_mod alone removes nothing: at 4 x 4 blocks all 9 blocks are full and sparsity is ' +
      '0%. The kernel visits every block and applies score_mod to every element, but never mask_mod.',
    grid: { block: 4, partial: 0, full: 9, empty: 0 },
  },
  head_bias: {
    whatFor: 'A per-head constant added to every score: the simplest score_mod that reads h.',
    models: 'A teaching example, not a specific model.',
    notice:
      'Adding the same constant to a whole row does not change the softmax: the probabilities ' +
      'of every head are equal to those without the bias, only the scores picture and lse move. ' +
      'All 9 blocks are full at 4 x 4.',
    grid: { block: 4, partial: 0, full: 9, empty: 0 },
  },
  alibi: {
    whatFor:
      'Attention with Linear Biases: a per-head penalty growing with distance, instead of ' +
      'position embeddings.',
    models: 'Used in BLOOM and MPT.',
    notice:
      'The bias lives in score_mod, the causal mask in mask_mod: the block grid is the causal ' +
      'staircase (3 partial, 3 full at 4 x 4), the same for every head, while the scores picture ' +
      'fades faster with distance for heads with a steeper slope (small h).',
    grid: { block: 4, partial: 3, full: 3, empty: 3 },
  },
  soft_cap: {
    whatFor: 'Squashes logits smoothly into (-CAP, CAP) so no single score can dominate.',
    models: 'Used in Gemma 2 (attention logit soft-capping) and Grok-1.',
    notice:
      'No mask: all 9 blocks are full at 4 x 4 and nothing is skipped. With CAP = 30 and random ' +
      'inputs the scores are small, so tanh is nearly linear: lower CAP to see the cap bite.',
    grid: { block: 4, partial: 0, full: 9, empty: 0 },
  },
  sta_2d: {
    whatFor:
      'Local 2-D attention at tile granularity: the window moves a whole tile at a time, so it ' +
      "lines up with the kernel's blocks.",
    models:
      'Sliding Tile Attention (STA), from FastVideo (Hao AI Lab), proposed to speed up video ' +
      "diffusion transformers such as HunyuanVideo; attention-gym's masks/sta.py has its 2-D and " +
      '3-D masks.',
    notice:
      'With KERNEL = TILE the window is one tile, so each tile of 4 tokens sees only itself: at ' +
      '4 x 4 blocks (one tile per block) the grid is 4 full blocks on the diagonal and 12 empty, ' +
      "none partial, so mask_mod never runs. That is STA's point: tiled NATTEN's token-level " +
      'window leaves 40 partial blocks on its 6 x 6 canvas. At 3 x 3 blocks, out of step with ' +
      'the tiles, 11 blocks turn partial. Try KERNEL_H = 4: the window is two tiles tall (here ' +
      'the whole canvas), 8 full blocks and still no partial one.',
    grid: { block: 4, partial: 0, full: 4, empty: 12 },
  },
  sta_2d_text: {
    whatFor:
      'Image or video generation with the text prompt in the same sequence: image tokens attend ' +
      'locally and to the prompt, the prompt attends to everything.',
    models:
      "Sliding Tile Attention with text tokens (attention-gym's masks/sta.py, text_seq_len), for " +
      'diffusion transformers that put the prompt in the same sequence as the image tokens.',
    notice:
      'The 4 text tokens fill one 4 x 4 block: the last block column (image to text) and the last ' +
      'block row (text to everything) are full, beside the 4 diagonal tile blocks: 13 full, 12 ' +
      'empty, still no partial block. Try TEXT_SEQ_LEN = 2: the text no longer fills its block, ' +
      'and the 5 blocks it touches turn partial.',
    grid: { block: 4, partial: 0, full: 13, empty: 12 },
  },
  sta_3d: {
    whatFor:
      'The same tile-granular window on video: tiles are small space-time boxes, and the window ' +
      'counts whole tiles in time, height and width.',
    models:
      'Sliding Tile Attention (FastVideo), made for video diffusion transformers such as ' +
      "HunyuanVideo; this is attention-gym's generate_sta_mask_mod_3d.",
    notice:
      'A tile is 2 x 2 x 2 = 8 tokens and the kernel one tile, so at 8 x 8 blocks the grid is 4 ' +
      'full diagonal blocks and 12 empty, none partial; at 4 x 4 blocks (half a tile) still none ' +
      'is partial (16 full, 48 empty). Try KERNEL_W = 4: the window spans both tile columns, 8 ' +
      'full blocks at 8 x 8 and still no partial one.',
    grid: { block: 8, partial: 0, full: 4, empty: 12 },
  },
  svg_spatial: {
    whatFor:
      'Sparse attention for video diffusion: a spatial head attends to the tokens within about ' +
      'one frame of its own position, plus the text prompt.',
    models:
      'Sparse VideoGen (SVG), for video diffusion transformers such as CogVideoX and ' +
      "HunyuanVideo; attention-gym's defaults (226 prompt tokens, 13 frames of 1350 tokens) are " +
      "CogVideoX's layout.",
    notice:
      'The first 4 rows and columns (the prompt) are full; the rest is a band |q - kv| < 8. ' +
      "ROUND_WIDTH is 4, not SVG's 128: the reach WIDTH x TOKEN_PER_FRAME = 8 is rounded down to a " +
      'multiple of ROUND_WIDTH, and 128 would round it to 0 and erase the band (try it: only the ' +
      'prompt row and column stay). Rounding to the block size is for the kernel: at 4 x 4 blocks ' +
      'a reach of 8 gives 29 full and 8 partial blocks, ROUND_WIDTH = 3 (reach 6) 19 full and 18 ' +
      'partial.',
    grid: { block: 4, partial: 8, full: 29, empty: 12 },
  },
  svg_temporal: {
    whatFor:
      'The temporal head of the same method: a token attends to the same place, give or take, in ' +
      'every frame, plus the prompt.',
    models:
      'Sparse VideoGen (SVG), which sorts the heads of video diffusion transformers (CogVideoX, ' +
      'HunyuanVideo) into spatial and temporal heads as it runs.',
    notice:
      'Stripes one frame (8 tokens) apart: a token sees the keys within 1 place of its own position ' +
      'in every frame, as the reach is WIDTH x TOKEN_PER_FRAME // NUM_FRAMES = 8 // 3 = 2. In ' +
      'frame-major order the stripes cross every block: at 4 x 4 blocks 36 partial, 13 full, none ' +
      'empty, so nothing is skipped. SVG therefore reorders the tokens for temporal heads (the ' +
      'same place of every frame side by side), turning the stripes into a band. Try WIDTH = 2: ' +
      'the reach grows to 16 // 3 = 5.',
    grid: { block: 4, partial: 36, full: 13, empty: 0 },
  },
  jetspec_tree: {
    whatFor:
      'Verifying a tree of draft tokens in one pass with only the tree nodes as queries: each ' +
      'node sees the verified prefix, itself and its ancestors.',
    models:
      'JetSpec (Hao AI Lab), speculative decoding that drafts and verifies token trees in ' +
      "parallel; attention-gym's masks/jetspec.py. No model is named.",
    notice:
      'Q and KV differ: 6 node queries against 4 prefix keys and then the same 6 nodes. At 2 x 2 ' +
      'blocks the prefix is 6 full blocks; the tree part (parents [-1, 0, 0, 1, 1, 2]) is 6 ' +
      'partial and 3 empty, as ancestors do not line up with blocks. Compare the tree preset, ' +
      'whose queries include the prefix. Try a chain, parent_indices = [-1, 0, 1, 2, 3, 4]: the ' +
      'tree part becomes a causal triangle.',
    grid: { block: 2, partial: 6, full: 6, empty: 3 },
  },
  jetspec_training: {
    whatFor:
      'Training a draft head on several sampled blocks at once: each block (an anchor and the ' +
      'tokens after it) is causal inside itself and sees the verified prefix, not other blocks.',
    models: "JetSpec's draft-head training (attention-gym's masks/jetspec.py); no model is named.",
    notice:
      'At 3 x 3 blocks (one sampled block per block row) the 4-token prefix does not end on a ' +
      'block edge: 3 full, 8 partial and 4 empty blocks. Set PREFIX_LENGTH = 3 and KV = 12: the ' +
      'prefix becomes one full block column and each sampled block a causal triangle on its own ' +
      'block diagonal: 3 full, 3 partial, 6 empty.',
    grid: { block: 3, partial: 8, full: 3, empty: 4 },
  },
};

/** The card of a preset, or undefined when it has none. */
export function presetCard(id: string): PresetCard | undefined {
  return Object.prototype.hasOwnProperty.call(PRESET_CARDS, id) ? PRESET_CARDS[id] : undefined;
}
