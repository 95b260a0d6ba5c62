/**
 * The one-pixel-per-cell canvas a figure scales up. A small grid is painted at once, during the
 * render; a large one (a 2048 x 2048 picture is 4M cells, about 40 ms of colouring and copying)
 * is painted in bands of rows, one band per main-thread task, so that no single task holds the
 * page for long. While a large grid is being painted, the figure keeps showing what it showed.
 */
import { useEffect, useMemo, useState } from 'react';
import { yieldToPage } from '../app/async/yieldToPage';
import type { ColourMapName } from '../app/state/figure';
import { cellCanvas, paintCells } from './colourScale';

/** Cells painted in one task: about 5 ms of colouring and copying on a slow machine. */
export const BAND_CELLS = 1 << 19;

export interface CellCanvas {
  /** The canvas to draw, or null before the first one is ready. */
  canvas: HTMLCanvasElement | null;
  /** Whether `canvas` shows the values asked for (false while a new large grid is painted). */
  current: boolean;
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
    const bottom = Math.min(rows, top + bandRows);
    const band = cellsBetween(values, top * cols, bottom * cols);
    ctx.putImageData(new ImageData(paintCells(band, map, [lo, hi]), cols, bottom - top), 0, top);
    await yieldToPage();
    if (signal.aborted) return null;
  }
  return canvas;
}

export function useCellCanvas(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  map: ColourMapName,
  lo: number,
  hi: number,
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
  if (now) return { canvas: now, current: true };
  const current =
    painted !== null &&
    painted.values === values &&
    painted.rows === rows &&
    painted.cols === cols &&
    painted.map === map &&
    painted.lo === lo &&
    painted.hi === hi;
  return { canvas: painted?.canvas ?? null, current };
}
