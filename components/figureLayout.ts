/**
 * Where each part of a figure goes (title, plot, axes, colour bar) and which ticks it shows.
 * Shared by the screen (SVG over a canvas) and the exports (PNG, SVG), so they agree.
 */
import { scaleLinear, type ScaleLinear } from 'd3';
import type { AxisSpec, FigureSpec } from '../app/state/figure';

export interface FigureLayout {
  width: number;
  height: number;
  /** The plot area (the cells), in figure pixels. */
  plot: { x: number; y: number; width: number; height: number };
  /** The colour bar, to the right of the plot. */
  bar: { x: number; y: number; width: number; height: number };
  titleY: number;
  subtitleY: number;
  /** x tick labels are turned 45 degrees when there are many (attention-gym: more than 12). */
  rotateColumnTicks: boolean;
}

const BAR_GAP = 18;
const BAR_WIDTH = 14;
const BAR_TICKS = 74;

/** Lays a figure out for a plot area of the given size. */
export function layoutFigure(
  spec: FigureSpec,
  plotWidth: number,
  plotHeight: number,
): FigureLayout {
  // attention-gym turns labels when there are more than 12; a narrow plot needs it sooner.
  const rotate = spec.cellTicks && (spec.cols.cells > 12 || plotWidth / spec.cols.cells < 34);
  const hasSubtitle = spec.subtitle !== '';
  const titleBlock = hasSubtitle ? 50 : 32;
  const top = titleBlock + (rotate ? 44 : 26);
  const left = 64;
  const bottom = 34;
  const plot = { x: left, y: top, width: plotWidth, height: plotHeight };
  const bar = { x: left + plotWidth + BAR_GAP, y: top, width: BAR_WIDTH, height: plotHeight };
  return {
    width: bar.x + BAR_WIDTH + BAR_TICKS,
    height: top + plotHeight + bottom,
    plot,
    bar,
    titleY: 22,
    subtitleY: 42,
    rotateColumnTicks: rotate,
  };
}

/** The plot area's size for a container width: cells as square as fits, within bounds. */
export function plotSize(spec: FigureSpec, containerWidth: number, maxHeight: number) {
  const width = Math.max(160, containerWidth - 64 - BAR_GAP - BAR_WIDTH - BAR_TICKS - 4);
  const ratio = Math.max(0.35, Math.min(1.6, spec.rows.cells / Math.max(1, spec.cols.cells)));
  let height = width * ratio;
  if (height > maxHeight) height = maxHeight;
  return { width: Math.round(width), height: Math.round(Math.max(120, height)) };
}

export interface Tick {
  /** Position in cell units (0 = the first cell's edge). */
  cell: number;
  label: string;
}

/**
 * Ticks for the visible cell range [from, to]. Small grids get one labelled tick per cell at its
 * centre (`Q0`, `Q1`, ...); larger ones get round token numbers at token positions.
 */
export function axisTicks(
  axis: AxisSpec,
  cellTicks: boolean,
  from: number,
  to: number,
  pixels: number,
): Tick[] {
  if (cellTicks) {
    const ticks: Tick[] = [];
    for (let i = Math.max(0, Math.floor(from)); i < Math.min(axis.cells, Math.ceil(to)); i++) {
      ticks.push({ cell: i + 0.5, label: `${axis.tickPrefix}${i}` });
    }
    return ticks;
  }
  const tokens = scaleLinear()
    .domain([from * axis.stride, Math.min(to * axis.stride, axis.extent)])
    .range([0, pixels]);
  return tokens
    .ticks(Math.max(2, Math.floor(pixels / 64)))
    .filter((t) => Number.isInteger(t) && t >= 0 && t <= axis.extent)
    .map((t) => ({ cell: t / axis.stride, label: String(t) }));
}

/** A zoomed scale from cell units to plot pixels along one axis. */
export function cellScale(cells: number, pixels: number, k: number, offset: number) {
  return scaleLinear()
    .domain([-offset / (k * (pixels / cells)), (pixels - offset) / (k * (pixels / cells))])
    .range([0, pixels]);
}

/** The colour bar's value-to-pixel scale (high values at the top, as matplotlib draws it). */
export function colourBarScale(spec: FigureSpec, height: number): ScaleLinear<number, number> {
  return scaleLinear().domain(spec.domain).range([height, 0]);
}

/** Number formatting for colour bar ticks and readouts: short, and exact for integers. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === -Infinity) return '-inf';
  if (v === Infinity) return 'inf';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}
