/**
 * A teaching embed link (`#...&embed=1&panel=explain|walkthrough&preset=..&block=..&q=..&kv=..
 * &row=..`, decoded by app/url) sets the playground up for its panel: the preset at its example
 * size, square blocks, the explained cell or the followed row, and for the walkthrough with a
 * block size, the Blocks view.
 */
import { presetById } from '../mask/presets';
import {
  playground,
  selectCell,
  setCode,
  setShape,
  setView,
  showPresetCard,
  type PlaygroundStore,
} from '../state/store';
import type { PanelName, TeachingEmbedKeys } from '../url';

export function applyTeachingEmbed(
  panel: PanelName,
  keys: TeachingEmbedKeys,
  store: PlaygroundStore = playground,
): void {
  // An id that names no preset (a preset renamed since the link was made) opens no preset.
  const preset = keys.preset === null ? undefined : presetById(keys.preset);
  if (preset) {
    const { Q, KV, B, H } = preset.example;
    setShape({ Q, KV, B, H, HKV: H }, store);
    setCode(preset.source, store);
    showPresetCard(preset.id, store);
  }
  if (keys.block !== null) setShape({ blockQ: keys.block, blockKV: keys.block }, store);
  if (keys.q !== null) selectCell({ q: keys.q, kv: keys.kv ?? 0 }, store);
  else if (keys.row !== null) selectCell({ q: keys.row, kv: 0 }, store);
  if (panel === 'walkthrough' && keys.block !== null) setView('blocks', store);
}
