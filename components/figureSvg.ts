/**
 * Draws a figure's title, axes, grid and colour bar into an SVG element with d3. The screen puts
 * this SVG over a canvas of cells; the SVG export adds the cells as an embedded image.
 */
import { axisLeft, axisRight, axisTop, select } from 'd3';
import type { FigureSpec } from '../app/state/figure';
import type { ZoomTransform } from '../app/state/store';
import { BLOCK_COLOURS, colourAt } from './colourScale';
import {
  axisTicks,
  cellScale,
  colourBarScale,
  formatValue,
  type FigureLayout,
} from './figureLayout';

export interface SvgOptions {
  /** Prefix for element ids (gradient, clip), unique per SVG on the page. */
  idPrefix: string;
  zoom: ZoomTransform;
  /** The cells as an image (exports only; the screen draws them on a canvas underneath). */
  cellImageHref?: string;
  /** Text and line colour. */
  ink: string;
  /** Background painted behind the whole figure (exports only). */
  background?: string;
  fontFamily: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export const BLOCK_LABELS = ['empty', 'partial', 'full'] as const;

export function renderFigureSvg(
  svgElement: SVGSVGElement,
  spec: FigureSpec,
  layout: FigureLayout,
  options: SvgOptions,
): void {
  const { plot, bar } = layout;
  const { zoom, ink, idPrefix } = options;
  const svg = select(svgElement);
  svg.selectAll('*').remove();
  svg
    .attr('width', layout.width)
    .attr('height', layout.height)
    .attr('viewBox', `0 0 ${layout.width} ${layout.height}`)
    .attr('font-family', options.fontFamily)
    .attr('fill', ink);

  if (options.background) {
    svg
      .append('rect')
      .attr('width', layout.width)
      .attr('height', layout.height)
      .attr('fill', options.background);
  }

  svg
    .append('text')
    .attr('x', plot.x + plot.width / 2)
    .attr('y', layout.titleY)
    .attr('text-anchor', 'middle')
    .attr('font-size', 16)
    .attr('font-weight', 600)
    .attr('data-testid', 'figure-title')
    .text(spec.title);
  if (spec.subtitle) {
    svg
      .append('text')
      .attr('x', plot.x + plot.width / 2)
      .attr('y', layout.subtitleY)
      .attr('text-anchor', 'middle')
      .attr('font-size', 13)
      .attr('data-testid', 'figure-subtitle')
      .text(spec.subtitle);
  }

  const clipId = `${idPrefix}-clip`;
  svg
    .append('clipPath')
    .attr('id', clipId)
    .append('rect')
    .attr('width', plot.width)
    .attr('height', plot.height);

  const plotGroup = svg.append('g').attr('transform', `translate(${plot.x},${plot.y})`);
  const xs = cellScale(spec.cols.cells, plot.width, zoom.k, zoom.x);
  const ys = cellScale(spec.rows.cells, plot.height, zoom.k, zoom.y);

  const inner = plotGroup.append('g').attr('clip-path', `url(#${clipId})`);
  if (options.cellImageHref) {
    inner
      .append('image')
      .attr('href', options.cellImageHref)
      .attr('x', xs(0))
      .attr('y', ys(0))
      .attr('width', xs(spec.cols.cells) - xs(0))
      .attr('height', ys(spec.rows.cells) - ys(0))
      .attr('preserveAspectRatio', 'none')
      .style('image-rendering', 'pixelated');
  }
  if (spec.cellTicks) {
    // attention-gym draws a grid line between cells when both sides have 32 or fewer.
    const grid = inner.append('g').attr('stroke', ink).attr('stroke-opacity', 0.55);
    for (let i = 0; i <= spec.cols.cells; i++) {
      grid
        .append('line')
        .attr('x1', xs(i))
        .attr('x2', xs(i))
        .attr('y1', ys(0))
        .attr('y2', ys(spec.rows.cells));
    }
    for (let i = 0; i <= spec.rows.cells; i++) {
      grid
        .append('line')
        .attr('y1', ys(i))
        .attr('y2', ys(i))
        .attr('x1', xs(0))
        .attr('x2', xs(spec.cols.cells));
    }
  }
  plotGroup
    .append('rect')
    .attr('width', plot.width)
    .attr('height', plot.height)
    .attr('fill', 'none')
    .attr('stroke', ink)
    .attr('stroke-opacity', 0.6);

  const [x0, x1] = xs.domain();
  const xTicks = axisTicks(spec.cols, spec.cellTicks, x0, x1, plot.width);
  const xAxis = plotGroup
    .append('g')
    .attr('data-testid', 'axis-columns')
    .call(
      axisTop(xs)
        .tickValues(xTicks.map((t) => t.cell))
        .tickFormat((_, i) => xTicks[i].label),
    );
  if (layout.rotateColumnTicks) {
    xAxis
      .selectAll('text')
      .attr('transform', 'rotate(-45)')
      .attr('text-anchor', 'start')
      .attr('dx', '0.3em')
      .attr('dy', '0.1em');
  }
  const [y0, y1] = ys.domain();
  const yTicks = axisTicks(spec.rows, spec.cellTicks, y0, y1, plot.height);
  plotGroup
    .append('g')
    .attr('data-testid', 'axis-rows')
    .call(
      axisLeft(ys)
        .tickValues(yTicks.map((t) => t.cell))
        .tickFormat((_, i) => yTicks[i].label),
    );
  for (const axisGroup of plotGroup.selectAll<SVGGElement, unknown>('g[data-testid^=axis]')) {
    select(axisGroup).attr('font-size', 11).attr('font-family', options.fontFamily);
    select(axisGroup).selectAll('line, path').attr('stroke', ink);
    select(axisGroup).selectAll('text').attr('fill', ink);
  }

  svg
    .append('text')
    .attr('x', plot.x + plot.width / 2)
    .attr('y', plot.y + plot.height + 24)
    .attr('text-anchor', 'middle')
    .attr('font-size', 13)
    .text(spec.cols.label);
  svg
    .append('text')
    .attr('transform', `translate(${plot.x - 48},${plot.y + plot.height / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .attr('font-size', 13)
    .text(spec.rows.label);

  renderColourBar(svg.append('g'), spec, bar, options);
}

function renderColourBar(
  group: ReturnType<typeof select<SVGGElement, unknown>>,
  spec: FigureSpec,
  bar: FigureLayout['bar'],
  options: SvgOptions,
): void {
  group.attr('transform', `translate(${bar.x},${bar.y})`).attr('data-testid', 'colour-bar');
  if (spec.colourMap === 'blocks') {
    // Three states, not a continuum: a legend of swatches.
    BLOCK_LABELS.forEach((label, i) => {
      const y = i * 24;
      group
        .append('rect')
        .attr('y', y)
        .attr('width', bar.width)
        .attr('height', 16)
        .attr('fill', BLOCK_COLOURS[i])
        .attr('stroke', options.ink)
        .attr('stroke-opacity', 0.4);
      group
        .append('text')
        .attr('x', bar.width + 6)
        .attr('y', y + 12)
        .attr('font-size', 11)
        .text(label);
    });
    return;
  }
  const gradientId = `${options.idPrefix}-gradient`;
  const gradient = group
    .append('linearGradient')
    .attr('id', gradientId)
    .attr('x1', 0)
    .attr('x2', 0)
    .attr('y1', 1)
    .attr('y2', 0);
  const stops = 24;
  for (let i = 0; i <= stops; i++) {
    gradient
      .append('stop')
      .attr('offset', `${(100 * i) / stops}%`)
      .attr('stop-color', colourAt(spec.colourMap, i / stops));
  }
  group
    .append('rect')
    .attr('width', bar.width)
    .attr('height', bar.height)
    .attr('fill', `url(#${gradientId})`);
  const scale = colourBarScale(spec, bar.height);
  const binary = spec.domain[0] === 0 && spec.domain[1] === 1 && spec.colourMap === 'cividis';
  const axis = axisRight(scale)
    .ticks(binary ? 2 : Math.max(2, Math.floor(bar.height / 40)))
    .tickFormat((v) => formatValue(Number(v)));
  if (binary) axis.tickValues([0, 1]);
  const axisGroup = group
    .append('g')
    .attr('transform', `translate(${bar.width},0)`)
    .call(axis)
    .attr('font-size', 11)
    .attr('font-family', options.fontFamily);
  axisGroup.selectAll('line, path').attr('stroke', options.ink);
  axisGroup.selectAll('text').attr('fill', options.ink);
}

/** A detached SVG element (for exports). */
export function createSvgElement(): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('xmlns', SVG_NS);
  return svg;
}
