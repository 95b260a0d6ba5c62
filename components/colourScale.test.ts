import { rgb } from 'd3';
import { describe, expect, it } from 'vitest';
import type { ColourMapName } from '../app/state/figure';
import { BLOCK_COLOURS, colourAt, paintCells } from './colourScale';

/** The pixel a cell should get, straight from the colour map: [r, g, b, a]. */
function expectedPixel(map: ColourMapName, value: number, [lo, hi]: [number, number]): number[] {
  if (map === 'blocks') {
    const c = rgb(BLOCK_COLOURS[Math.max(0, Math.min(2, Math.round(value)))]);
    return [c.r, c.g, c.b, 255];
  }
  if (!Number.isFinite(value)) return [0, 0, 0, 0];
  const t = Math.max(0, Math.min(1, (value - lo) / (hi - lo || 1)));
  const c = rgb(colourAt(map, Math.round(t * 255) / 255));
  return [c.r, c.g, c.b, 255];
}

function pixelsOf(pixels: Uint8ClampedArray): number[][] {
  return Array.from({ length: pixels.length / 4 }, (_, i) =>
    Array.from(pixels.slice(i * 4, i * 4 + 4)),
  );
}

describe('painting cells', () => {
  it('gives each cell its colour map colour, the end colours outside the domain, and no colour where not finite', () => {
    const domain: [number, number] = [-2, 6];
    const values = [
      -2,
      6,
      2,
      -100,
      100,
      5.999,
      -1.97,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ];
    for (const map of ['viridis', 'plasma', 'rdbu'] as const) {
      const got = pixelsOf(paintCells(values, map, domain));
      expect(got).toEqual(values.map((v) => expectedPixel(map, v, domain)));
    }
    const got = pixelsOf(paintCells(values, 'viridis', domain));
    expect(got[3]).toEqual(got[0]);
    expect(got[4]).toEqual(got[1]);
    expect(got[7][3]).toBe(0);
  });

  it('matches the map on fresh random values, and a flat domain paints without dividing by zero', () => {
    const values = Float32Array.from({ length: 5000 }, () => (Math.random() - 0.3) * 20);
    const domain: [number, number] = [-4, 9];
    expect(pixelsOf(paintCells(values, 'cividis', domain))).toEqual(
      Array.from(values, (v) => expectedPixel('cividis', v, domain)),
    );
    expect(pixelsOf(paintCells([3, 3], 'blues', [3, 3]))).toEqual([
      expectedPixel('blues', 3, [3, 3]),
      expectedPixel('blues', 3, [3, 3]),
    ]);
  });

  it('paints block states in their three colours', () => {
    const values = [0, 1, 2, 0.4, 1.6, -3, 9];
    expect(pixelsOf(paintCells(values, 'blocks', [0, 2]))).toEqual(
      values.map((v) => expectedPixel('blocks', v, [0, 2])),
    );
  });
});
