import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import { presetById } from './presets';

/**
 * Programs written the way attention-gym's `attn_gym/masks/` files are (imports, typed factories
 * with docstrings, `mask_mod = generate_x(...)` at the end) must compile and draw the same dense
 * mask as the catalogue's preset for the same rule.
 */

const SOURCES = import.meta.glob<string>('./attn-gym-style/*.py', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** File in attn-gym-style/ -> the preset it must agree with. */
const MATCHING_PRESET: Record<string, string> = {
  'batchify.py': 'batchify',
  'causal.py': 'causal',
  'dilated_sliding_window.py': 'dilated_sliding_window',
  'document_mask.py': 'document',
  'global_sliding_window.py': 'global_sliding',
  'morton_natten.py': 'morton_natten',
  'natten.py': 'natten_2d',
  'prefix_lm.py': 'prefix_lm',
  'sliding_window.py': 'sliding_window',
  'tiled_natten.py': 'tiled_natten',
};

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

type Mask = (b: number, h: number, q: number, kv: number) => boolean;

function dense(mask: Mask, shape: { B: number; H: number; Q: number; KV: number }): string[] {
  const rows: string[] = [];
  for (let b = 0; b < shape.B; b++) {
    for (let h = 0; h < shape.H; h++) {
      for (let q = 0; q < shape.Q; q++) {
        let row = `b${b} h${h} q${q} `;
        for (let kv = 0; kv < shape.KV; kv++) row += mask(b, h, q, kv) ? '1' : '0';
        rows.push(row);
      }
    }
  }
  return rows;
}

describe('attention-gym style programs', () => {
  it('are at least 8, each paired with a preset', () => {
    const files = Object.keys(SOURCES).map(fileName).sort();
    expect(files.length).toBeGreaterThanOrEqual(8);
    expect(files).toEqual(Object.keys(MATCHING_PRESET).sort());
  });

  it.each(Object.entries(SOURCES).map(([path, source]) => [fileName(path), source] as const))(
    '%s compiles and matches its preset',
    (file, source) => {
      const preset = presetById(MATCHING_PRESET[file]);
      expect(preset, `no preset for ${file}`).toBeDefined();
      if (preset === undefined) return;
      const program = compile(source);
      const reference = compile(preset.source);
      expect(dense((b, h, q, kv) => program.mask(b, h, q, kv), preset.example)).toEqual(
        dense((b, h, q, kv) => reference.mask(b, h, q, kv), preset.example),
      );
    },
  );
});
