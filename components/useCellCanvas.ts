/**
 * The one-pixel-per-cell canvas a figure scales up. A small grid is painted at once, during the
 * render. A large one (a 2048 x 2048 picture is 4M cells, about 40 ms of colouring and copying,
 * and twice that while a run computes on the same cores) is shown in two steps: first the cells
 * the screen can show (one cell per device pixel of the plot, at most a band's worth, picked as
 * the plot's nearest-neighbour scaling picks them, so at the zoom it opens with the figure looks
 * as it will once complete), then every cell, painted in bands of rows, one band per
 * main-thread task, so that no single task holds the page for long. While zoomed in, the figure skips the first step and keeps what
 * it showed until every cell is painted.
 */
import { useEffect, useMemo, useState } from 'react';
import { yieldToPage } from '../app/async/yieldToPage';
import type { ColourMapName } from '../app/state/figure';
import { cellCanvas, paintCells } from './colourScale';

/** The plot's size in device pixels: how many cells the screen can show at once. */
export interface ScreenSize {
  width: number;
  height: number;
}

/** Cells painted in one task: about 5 ms of colouring and copying on a slow machine. */
export const BAND_CELLS = 1 << 19;

export interface CellCanvas {
  /** The canvas to draw, or null before the first one is ready. */
  canvas: HTMLCanvasElement | null;
  /**
   * Whether `canvas` shows the values asked for: every cell, or (for a large grid, while the
   * bands are painted) the cells the screen shows. False while it still shows older values.
   */
  current: boolean;
  /** Whether `canvas` holds every cell of the values asked for. */
  complete: boolean;
}

interface Painting {
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  map: ColourMapName;
  lo: number;
  hi: number;
}

interface Painted extends Painting {
  canvas: HTMLCanvasElement;
}

function cellsBetween(values: ArrayLike<number>, start: number, end: number): ArrayLike<number> {
  if (
    values instanceof Float32Array ||
    values instanceof Float64Array ||
    values instanceof Uint8Array
  ) {
    return values.subarray(start, end);
  }
  return Array.prototype.slice.call(values, start, end) as number[];
}

/** Paints rows [0, rows) a band at a time; null when aborted before the end. */
async function paintInBands(
  { values, rows, cols, map, lo, hi }: Painting,
  signal: AbortSignal,
): Promise<HTMLCanvasElement | null> {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, cols);
  canvas.height = Math.max(1, rows);
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  const bandRows = Math.max(1, Math.floor(BAND_CELLS / cols));
  for (let top = 0; top < rows; top += bandRows) {
    // Every band in a task of its own, the first too: this starts in the effects of the render
    // that shows the screen's cells, and must not hold that first paint back.
    await yieldToPage();
    if (signal.aborted) return null;
    const bottom = Math.min(rows, top + bandRows);
    const band = cellsBetween(values, top * cols, bottom * cols);
    ctx.putImageData(new ImageData(paintCells(band, map, [lo, hi]), cols, bottom - top), 0, top);
  }
  return signal.aborted ? null : canvas;
}

/**
 * The cells a `width` x `height` pixel scaling of a `rows` x `cols` grid shows with nearest-
 * neighbour sampling: pixel (i, j) shows the cell under its centre. A side that has fewer cells
 * than pixels keeps every cell.
 */
export function screenCells(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  { width, height }: ScreenSize,
): { values: Float32Array; rows: number; cols: number } {
  const outRows = Math.max(1, Math.min(rows, Math.round(height)));
  const outCols = Math.max(1, Math.min(cols, Math.round(width)));
  const colOf = Int32Array.from({ length: outCols }, (_, j) =>
    Math.floor(((j + 0.5) * cols) / outCols),
  );
  const out = new Float32Array(outRows * outCols);
  for (let i = 0; i < outRows; i++) {
    const row = Math.floor(((i + 0.5) * rows) / outRows) * cols;
    for (let j = 0; j < outCols; j++) out[i * outCols + j] = values[row + colOf[j]];
  }
  return { values: out, rows: outRows, cols: outCols };
}

export function useCellCanvas(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  map: ColourMapName,
  lo: number,
  hi: number,
  screen: ScreenSize,
  zoomedIn: boolean,
): CellCanvas {
  const large = rows * cols > BAND_CELLS;
  const now = useMemo(
    () => (large ? null : cellCanvas(values, rows, cols, map, [lo, hi])),
    [large, values, rows, cols, map, lo, hi],
  );
  const [painted, setPainted] = useState<Painted | null>(null);
  useEffect(() => {
    if (!large) return;
    const controller = new AbortController();
    const painting: Painting = { values, rows, cols, map, lo, hi };
    void paintInBands(painting, controller.signal).then((canvas) => {
      if (canvas && !controller.signal.aborted) setPainted({ ...painting, canvas });
    });
    return () => controller.abort();
  }, [large, values, rows, cols, map, lo, hi]);
  const allPainted =
    painted !== null &&
    painted.values === values &&
    painted.rows === rows &&
    painted.cols === cols &&
    painted.map === map &&
    painted.lo === lo &&
    painted.hi === hi;
  // Zoomed in, the screen's cells enlarged would show coarser than the figure did: the figure
  // keeps what it shows until every cell is painted.
  const sampleFirst = large && !allPainted && !zoomedIn;
  const { width, height } = screen;
  const sampled = useMemo(() => {
    if (!sampleFirst) return null;
    const cells = screenCells(values, rows, cols, withinBand({ width, height }));
    return cellCanvas(cells.values, cells.rows, cells.cols, map, [lo, hi]);
  }, [sampleFirst, values, rows, cols, map, lo, hi, width, height]);
  if (now) return { canvas: now, current: true, complete: true };
  if (allPainted) return { canvas: painted.canvas, current: true, complete: true };
  if (sampled) return { canvas: sampled, current: true, complete: false };
  return { canvas: painted?.canvas ?? null, current: false, complete: false };
}

/**
 * The screen size scaled down, keeping its shape, to at most BAND_CELLS pixels: on a
 * high-density display a plot has millions of device pixels, and the first paint is meant to
 * take no longer than one band.
 */
export function withinBand({ width, height }: ScreenSize): ScreenSize {
  const pixels = width * height;
  if (pixels <= BAND_CELLS) return { width, height };
  const scale = Math.sqrt(BAND_CELLS / pixels);
  return { width: Math.floor(width * scale), height: Math.floor(height * scale) };
}
