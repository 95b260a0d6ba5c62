/**
 * Colour maps for the figures: d3-scale-chromatic's interpolators (the matplotlib maps
 * attention-gym uses), sampled once into lookup tables so painting a 2048 x 2048 grid is a table
 * read per cell.
 */
import {
  interpolateBlues,
  interpolateCividis,
  interpolatePlasma,
  interpolateRdBu,
  interpolateViridis,
  rgb,
} from 'd3';
import type { ColourMapName } from '../app/state/figure';

/** Empty, partial, full: three colours distinct in hue and lightness, on light and dark pages. */
export const BLOCK_COLOURS = ['#d7dbe0', '#f08c00', '#1c5fd6'] as const;

const INTERPOLATORS: Record<Exclude<ColourMapName, 'blocks'>, (t: number) => string> = {
  viridis: interpolateViridis,
  cividis: interpolateCividis,
  plasma: interpolatePlasma,
  blues: interpolateBlues,
  // Reversed so positive values are red and negative blue, as most people read a signed map.
  rdbu: (t: number) => interpolateRdBu(1 - t),
};

/** The CSS colour of t in [0, 1] along a map (for 'blocks', t picks one of the three states). */
export function colourAt(map: ColourMapName, t: number): string {
  if (map === 'blocks') return BLOCK_COLOURS[Math.max(0, Math.min(2, Math.round(t * 2)))];
  return INTERPOLATORS[map](Math.max(0, Math.min(1, t)));
}

const LUT_SIZE = 256;
const luts = new Map<ColourMapName, Uint8ClampedArray>();

/** 256 RGB triples along the map. */
export function colourTable(map: ColourMapName): Uint8ClampedArray {
  const cached = luts.get(map);
  if (cached) return cached;
  const table = new Uint8ClampedArray(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) {
    const c = rgb(colourAt(map, i / (LUT_SIZE - 1)));
    table[i * 3] = c.r;
    table[i * 3 + 1] = c.g;
    table[i * 3 + 2] = c.b;
  }
  luts.set(map, table);
  return table;
}

/**
 * RGBA pixels, one per cell, row-major: the cell's colour, or transparent where the value is
 * not finite (a masked score is -inf and is drawn blank, as attention-gym's imshow does).
 */
export function paintCells(
  values: ArrayLike<number>,
  map: ColourMapName,
  domain: [number, number],
): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(values.length * 4);
  if (map === 'blocks') {
    const colours = BLOCK_COLOURS.map((c) => rgb(c));
    for (let i = 0; i < values.length; i++) {
      const c = colours[Math.max(0, Math.min(2, Math.round(values[i])))];
      pixels[i * 4] = c.r;
      pixels[i * 4 + 1] = c.g;
      pixels[i * 4 + 2] = c.b;
      pixels[i * 4 + 3] = 255;
    }
    return pixels;
  }
  const table = colourTable(map);
  const [lo, hi] = domain;
  const span = hi - lo || 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const t = Math.max(0, Math.min(1, (v - lo) / span));
    const k = Math.round(t * (LUT_SIZE - 1)) * 3;
    pixels[i * 4] = table[k];
    pixels[i * 4 + 1] = table[k + 1];
    pixels[i * 4 + 2] = table[k + 2];
    pixels[i * 4 + 3] = 255;
  }
  return pixels;
}

/** A canvas holding one pixel per cell, to be scaled up without smoothing. */
export function cellCanvas(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  map: ColourMapName,
  domain: [number, number],
): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, cols);
  canvas.height = Math.max(1, rows);
  const ctx = canvas.getContext('2d');
  if (ctx && rows > 0 && cols > 0) {
    ctx.putImageData(new ImageData(paintCells(values, map, domain), cols, rows), 0, 0);
  }
  return canvas;
}
