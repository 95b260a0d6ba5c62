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
const luts = new Map<ColourMapName, Uint32Array>();

/**
 * 256 opaque RGBA pixels along the map, each stored as one 32-bit word whose bytes are R, G, B, A
 * in memory order (written through a byte view, so the order holds on any endianness), so a
 * painter copies a whole pixel with one store.
 */
export function colourTable(map: ColourMapName): Uint32Array {
  const cached = luts.get(map);
  if (cached) return cached;
  const table = new Uint32Array(LUT_SIZE);
  const bytes = new Uint8Array(table.buffer);
  for (let i = 0; i < LUT_SIZE; i++) {
    const c = rgb(colourAt(map, i / (LUT_SIZE - 1)));
    bytes.set([c.r, c.g, c.b, 255], i * 4);
  }
  luts.set(map, table);
  return table;
}

/**
 * RGBA pixels, one per cell, row-major: the cell's colour, or transparent where the value is
 * not finite (a masked score is -inf and is drawn blank, as attention-gym's imshow does). Values
 * outside the domain take the end colours. One table read and one 32-bit store per cell: a
 * 2048 x 2048 picture is coloured on the page's thread, so this loop is kept tight.
 */
export function paintCells(
  values: ArrayLike<number>,
  map: ColourMapName,
  domain: [number, number],
): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(values.length * 4);
  const out = new Uint32Array(pixels.buffer);
  const n = values.length;
  if (map === 'blocks') {
    const states = new Uint32Array(3);
    const bytes = new Uint8Array(states.buffer);
    BLOCK_COLOURS.forEach((colour, i) => {
      const c = rgb(colour);
      bytes.set([c.r, c.g, c.b, 255], i * 4);
    });
    for (let i = 0; i < n; i++) out[i] = states[Math.max(0, Math.min(2, Math.round(values[i])))];
    return pixels;
  }
  const table = colourTable(map);
  const last = LUT_SIZE - 1;
  const [lo, hi] = domain;
  const scale = last / (hi - lo || 1);
  for (let i = 0; i < n; i++) {
    // x is NaN for NaN, and +-inf for +-inf: those fail every test below and stay transparent.
    const x = (values[i] - lo) * scale;
    if (x >= 0 && x <= last) out[i] = table[(x + 0.5) | 0];
    else if (x < 0 && x > -Infinity) out[i] = table[0];
    else if (x > last && x < Infinity) out[i] = table[last];
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
