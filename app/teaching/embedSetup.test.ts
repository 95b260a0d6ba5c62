import { describe, expect, test } from 'vitest';
import { presetById } from '../mask/presets';
import { DEFAULT_SCENARIO } from '../problem';
import { startShareLink } from '../state/shareLink';
import { createPlaygroundStore } from '../state/store';
import { applyTeachingEmbed } from './embedSetup';

/** Opens `hash` as the page does (decoded by app/url, into the store) and applies its embed. */
async function openEmbed(hash: string) {
  const store = createPlaygroundStore();
  const link = await startShareLink(
    { env: { readHash: () => hash, replaceHash: () => {}, onHashChange: () => () => {} } },
    store,
  );
  link.stop();
  const { embedPanel, embedTeaching } = store.getState();
  if (embedPanel && embedTeaching) applyTeachingEmbed(embedPanel, embedTeaching, store);
  return store.getState();
}

describe('a teaching embed link sets the playground up', () => {
  test('walkthrough: the preset at its example size, square blocks, the row, the Blocks view', async () => {
    const state = await openEmbed('#embed=1&panel=walkthrough&preset=causal&block=4&row=6');
    expect(state.embedPanel).toBe('walkthrough');
    expect(state.embedTeaching).toEqual({ preset: 'causal', block: 4, q: null, kv: null, row: 6 });
    expect(state.scenario).toMatchObject({
      code: presetById('causal')?.source,
      Q: 12,
      KV: 12,
      B: 1,
      H: 1,
      HKV: 1,
      blockQ: 4,
      blockKV: 4,
      view: 'blocks',
    });
    expect(state.selectedCell).toEqual({ q: 6, kv: 0 });
    expect(state.presetCard).toBe('causal');
  });

  test('explain: the cell the link names, in the view the link has', async () => {
    const state = await openEmbed('#embed=1&panel=explain&preset=alibi&q=6&kv=3');
    expect(state.scenario).toMatchObject({ Q: 12, H: 8, HKV: 8, view: DEFAULT_SCENARIO.view });
    expect(state.selectedCell).toEqual({ q: 6, kv: 3 });
    // q= wins over row=; a lone q= explains key 0.
    const lone = await openEmbed('#embed=1&panel=explain&q=5&row=2');
    expect(lone.selectedCell).toEqual({ q: 5, kv: 0 });
  });

  test("a preset id that names no preset, or a bad block, leaves the link's scenario", async () => {
    const state = await openEmbed('#v=1&Q=20&embed=1&panel=walkthrough&preset=teapot&block=0');
    expect(state.scenario).toEqual({ ...DEFAULT_SCENARIO, Q: 20 });
    expect(state.presetCard).toBeNull();
    expect(state.linkProblems.map((p) => p.field)).toEqual(['block']);
  });

  test('a link without a panel carries no teaching keys into the store', async () => {
    const state = await openEmbed('#embed=1&row=6');
    expect(state.embed).toBe(true);
    expect(state.embedTeaching).toBeNull();
    expect(state.selectedCell).toBeNull();
  });
});
