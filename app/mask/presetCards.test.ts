import { describe, expect, test } from 'vitest';
import { createBlockMask, sparsity } from '../reference/blockMask';
import { compile } from './compile';
import { PRESET_CARDS, presetCard } from './presetCards';
import { PRESETS, presetById } from './presets';

/** Block counts of the grid of batch item 0, head 0, at a square block size. */
function gridOf(source: string, Q: number, KV: number, block: number) {
  const program = compile(source);
  const bm = createBlockMask(
    (_b, _h, q, kv) => program.mask(0, 0, q, kv),
    1,
    1,
    Q,
    KV,
    block,
    block,
  );
  const partial = bm.kvNumBlocks.reduce((a, n) => a + n, 0);
  const full = bm.fullKvNumBlocks.reduce((a, n) => a + n, 0);
  return { partial, full, empty: bm.nQ * bm.nKV - partial - full, sparsity: sparsity(bm) };
}

function source(id: string): string {
  const preset = presetById(id);
  if (!preset) throw new Error(`no preset ${id}`);
  return preset.source;
}

describe('preset cards', () => {
  test('every preset has a card, and every card a preset', () => {
    for (const preset of PRESETS) {
      const card = presetCard(preset.id);
      expect(card, preset.id).toBeDefined();
      expect(card!.whatFor.length, preset.id).toBeGreaterThan(20);
      expect(card!.models.length, preset.id).toBeGreaterThan(10);
      expect(card!.notice.length, preset.id).toBeGreaterThan(40);
    }
    expect(Object.keys(PRESET_CARDS).sort()).toEqual(PRESETS.map((p) => p.id).sort());
    expect(presetCard('toString')).toBeUndefined();
  });

  test.each(PRESETS.map((p) => [p.id, p] as const))(
    "%s: the card's block counts are the reference BlockMask's",
    (id, preset) => {
      const card = PRESET_CARDS[id];
      const { Q, KV } = preset.example;
      const grid = gridOf(preset.source, Q, KV, card.grid.block);
      expect({ partial: grid.partial, full: grid.full, empty: grid.empty }).toEqual({
        partial: card.grid.partial,
        full: card.grid.full,
        empty: card.grid.empty,
      });
    },
  );

  test('the comparisons the cards draw hold', () => {
    // Sliding window: attention-gym's vs Hugging Face's, 2 x 2 blocks.
    expect(gridOf(source('sliding_window'), 12, 12, 2)).toMatchObject({ partial: 10, full: 5 });
    expect(gridOf(source('sliding_window_hf'), 12, 12, 2)).toMatchObject({ partial: 11, full: 0 });
    // Morton vs row-major NATTEN on the same 8 x 8 canvas.
    const raster8 = source('natten_2d').replace('CANVAS = 6', 'CANVAS = 8');
    expect(gridOf(raster8, 64, 64, 4)).toMatchObject({ partial: 96, full: 0 });
    const morton = source('morton_natten');
    const kernel5 = (s: string) => s.replace('KERNEL = 3', 'KERNEL = 5');
    expect(gridOf(kernel5(morton), 64, 64, 4).sparsity.toFixed(1)).toBe('43.8');
    expect(gridOf(kernel5(raster8), 64, 64, 4).sparsity.toFixed(1)).toBe('37.5');
    expect(gridOf(raster8, 64, 64, 8).sparsity).toBeGreaterThan(gridOf(morton, 64, 64, 8).sparsity);
    // Tiled vs row-major on the 6 x 6 canvas.
    expect(gridOf(source('tiled_natten'), 36, 36, 4).sparsity.toFixed(1)).toBe('39.5');
    expect(gridOf(source('natten_2d'), 36, 36, 4).sparsity.toFixed(1)).toBe('44.4');
    // Block diffusion: a diffusion block of 3 no longer lines up with 4 x 4 blocks.
    const bd3 = source('block_diffusion').replace('BLOCK = 4', 'BLOCK = 3');
    expect(gridOf(bd3, 24, 24, 4).partial).toBeGreaterThan(0);
    // Global tokens: 12.5% sparsity at 4 x 4 blocks.
    expect(gridOf(source('global_sliding'), 16, 16, 4).sparsity).toBe(12.5);
    // Sliding tile attention: tiles line up with 4 x 4 blocks, not with 3 x 3 ones; a window
    // two tiles tall stays free of partial blocks.
    const sta2d = source('sta_2d');
    expect(gridOf(sta2d, 16, 16, 3).partial).toBe(11);
    expect(gridOf(sta2d.replace('KERNEL_H = 2', 'KERNEL_H = 4'), 16, 16, 4)).toMatchObject({
      partial: 0,
      full: 8,
    });
    const staText = source('sta_2d_text').replace('TEXT_SEQ_LEN = 4', 'TEXT_SEQ_LEN = 2');
    expect(gridOf(staText, 20, 20, 4).partial).toBe(5);
    const sta3d = source('sta_3d');
    expect(gridOf(sta3d, 32, 32, 4)).toMatchObject({ partial: 0, full: 16, empty: 48 });
    expect(gridOf(sta3d.replace('KERNEL_W = 2', 'KERNEL_W = 4'), 32, 32, 8)).toMatchObject({
      partial: 0,
      full: 8,
    });
    // Sparse VideoGen: ROUND_WIDTH = 128 erases the band; rounding to 3 instead of the block size
    // trades full blocks for partial ones; the temporal head skips nothing until reordered.
    const spatial = source('svg_spatial');
    expect(
      gridOf(spatial.replace('ROUND_WIDTH = 4', 'ROUND_WIDTH = 128'), 28, 28, 4),
    ).toMatchObject({ partial: 0, full: 13, empty: 36 });
    expect(gridOf(spatial.replace('ROUND_WIDTH = 4', 'ROUND_WIDTH = 3'), 28, 28, 4)).toMatchObject({
      partial: 18,
      full: 19,
    });
    // JetSpec: a chain of drafts is causal; a prefix of 3 lines up with blocks of 3.
    const chain = compile(
      source('jetspec_tree').replace('[-1, 0, 0, 1, 1, 2]', '[-1, 0, 1, 2, 3, 4]'),
    );
    for (let q = 0; q < 6; q++) {
      for (let kv = 4; kv < 10; kv++) expect(chain.mask(0, 0, q, kv)).toBe(kv - 4 <= q);
    }
    const training = source('jetspec_training').replace('PREFIX_LENGTH = 4', 'PREFIX_LENGTH = 3');
    expect(gridOf(training, 9, 12, 3)).toMatchObject({ partial: 3, full: 3, empty: 6 });
  });
});
