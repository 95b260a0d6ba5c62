import { describe, expect, it } from 'vitest';
import { BAND_CELLS, screenCells, withinBand } from './useCellCanvas';

/** A grid whose every cell holds its own index, so a sample says which cell it took. */
function indexGrid(rows: number, cols: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, (_, i) => i);
}

describe('the cells the screen shows', () => {
  it('takes, for each pixel, the cell under its centre', () => {
    const [rows, cols] = [2048, 1536];
    const screen = { width: 617, height: 443 };
    const sampled = screenCells(indexGrid(rows, cols), rows, cols, screen);
    expect([sampled.rows, sampled.cols]).toEqual([443, 617]);
    const wrong: string[] = [];
    for (let i = 0; i < sampled.rows; i++) {
      for (let j = 0; j < sampled.cols; j++) {
        const cell = sampled.values[i * sampled.cols + j];
        const [r, c] = [Math.floor(cell / cols), cell % cols];
        // Cell r spans pixels [r * 443 / 2048, (r + 1) * 443 / 2048): the centre i + 0.5 is in it.
        const rowOk =
          r * sampled.rows <= (i + 0.5) * rows && (i + 0.5) * rows < (r + 1) * sampled.rows;
        const colOk =
          c * sampled.cols <= (j + 0.5) * cols && (j + 0.5) * cols < (c + 1) * sampled.cols;
        if (!rowOk || !colOk) wrong.push(`pixel (${i}, ${j}) took cell (${r}, ${c})`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('halving a side keeps every second cell, and a side with fewer cells than pixels keeps all', () => {
    const sampled = screenCells(indexGrid(4, 8), 4, 8, { width: 4, height: 900 });
    expect([sampled.rows, sampled.cols]).toEqual([4, 4]);
    expect(Array.from(sampled.values.subarray(0, 4))).toEqual([1, 3, 5, 7]);
    expect(Array.from(sampled.values.subarray(12, 16))).toEqual([25, 27, 29, 31]);
  });

  it('keeps the values it samples: a mask of bytes and -inf scores come through as they are', () => {
    const mask = Uint8Array.from({ length: 16 }, (_, i) => i % 2);
    expect(Array.from(screenCells(mask, 4, 4, { width: 2, height: 4 }).values)).toEqual([
      1, 1, 1, 1, 1, 1, 1, 1,
    ]);
    const scores = Float32Array.of(-Infinity, 2, 3, -Infinity);
    expect(Array.from(screenCells(scores, 2, 2, { width: 1, height: 1 }).values)).toEqual([
      -Infinity,
    ]);
  });

  it('a dense screen is scaled down to one band, its shape kept; a small one is left as it is', () => {
    // A 800 x 680 CSS-pixel plot at two device pixels per CSS pixel: 2.2M pixels.
    const { width, height } = withinBand({ width: 1600, height: 1360 });
    expect(width * height).toBeLessThanOrEqual(BAND_CELLS);
    expect(width * height).toBeGreaterThan(0.99 * BAND_CELLS);
    expect(width / height).toBeCloseTo(1600 / 1360, 2);
    expect(withinBand({ width: 600, height: 500 })).toEqual({ width: 600, height: 500 });
  });
});
