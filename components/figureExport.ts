/**
 * Exports of the figure: a PNG drawn whole onto a canvas at 2x-3x (title, cells, axes, colour
 * bar), and an SVG (vector axes and colour bar, cells as an embedded PNG). Both draw the whole
 * picture, unzoomed, from the same FigureSpec as the screen.
 */
import type { FigureSpec } from '../app/state/figure';
import { IDENTITY_ZOOM } from '../app/state/store';
import { BLOCK_COLOURS, cellCanvas, colourAt } from './colourScale';
import {
  axisTicks,
  colourBarScale,
  formatValue,
  layoutFigure,
  plotSize,
  type FigureLayout,
} from './figureLayout';
import { BLOCK_LABELS, createSvgElement, renderFigureSvg } from './figureSvg';

const INK = '#1b1d22';
const PAPER = '#ffffff';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** The layout the exports use: a fixed, generous plot area. */
export function exportLayout(spec: FigureSpec): FigureLayout {
  const size = plotSize(spec, 820, 720);
  return layoutFigure(spec, size.width, size.height);
}

/** Draws the whole figure onto a new canvas, `pixelRatio` device pixels per figure pixel. */
export function drawFigureCanvas(spec: FigureSpec, pixelRatio: number): HTMLCanvasElement {
  const layout = exportLayout(spec);
  const { plot, bar } = layout;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(layout.width * pixelRatio);
  canvas.height = Math.round(layout.height * pixelRatio);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw on a canvas, so the PNG cannot be made.');
  ctx.scale(pixelRatio, pixelRatio);
  ctx.fillStyle = PAPER;
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.fillStyle = INK;
  ctx.strokeStyle = INK;
  ctx.textAlign = 'center';

  ctx.font = `600 16px ${FONT}`;
  ctx.fillText(spec.title, plot.x + plot.width / 2, layout.titleY);
  if (spec.subtitle) {
    ctx.font = `13px ${FONT}`;
    ctx.fillText(spec.subtitle, plot.x + plot.width / 2, layout.subtitleY);
  }

  const cells = cellCanvas(
    spec.values,
    spec.rows.cells,
    spec.cols.cells,
    spec.colourMap,
    spec.domain,
  );
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(cells, plot.x, plot.y, plot.width, plot.height);

  const cw = plot.width / spec.cols.cells;
  const rh = plot.height / spec.rows.cells;
  ctx.lineWidth = 1;
  if (spec.cellTicks) {
    ctx.globalAlpha = 0.55;
    ctx.beginPath();
    for (let i = 0; i <= spec.cols.cells; i++) {
      ctx.moveTo(plot.x + i * cw, plot.y);
      ctx.lineTo(plot.x + i * cw, plot.y + plot.height);
    }
    for (let i = 0; i <= spec.rows.cells; i++) {
      ctx.moveTo(plot.x, plot.y + i * rh);
      ctx.lineTo(plot.x + plot.width, plot.y + i * rh);
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
  ctx.strokeRect(plot.x, plot.y, plot.width, plot.height);

  ctx.font = `11px ${FONT}`;
  const xTicks = axisTicks(spec.cols, spec.cellTicks, 0, spec.cols.cells, plot.width);
  for (const tick of xTicks) {
    const x = plot.x + tick.cell * cw;
    line(ctx, x, plot.y, x, plot.y - 6);
    ctx.save();
    ctx.translate(x, plot.y - 9);
    if (layout.rotateColumnTicks) {
      ctx.rotate(-Math.PI / 4);
      ctx.textAlign = 'left';
    }
    ctx.fillText(tick.label, 0, 0);
    ctx.restore();
  }
  const yTicks = axisTicks(spec.rows, spec.cellTicks, 0, spec.rows.cells, plot.height);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const tick of yTicks) {
    const y = plot.y + tick.cell * rh;
    line(ctx, plot.x, y, plot.x - 6, y);
    ctx.fillText(tick.label, plot.x - 9, y);
  }

  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  ctx.font = `13px ${FONT}`;
  ctx.fillText(spec.cols.label, plot.x + plot.width / 2, plot.y + plot.height + 24);
  ctx.save();
  ctx.translate(plot.x - 48, plot.y + plot.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(spec.rows.label, 0, 0);
  ctx.restore();

  drawColourBar(ctx, spec, bar);
  return canvas;
}

function line(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number) {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

function drawColourBar(ctx: CanvasRenderingContext2D, spec: FigureSpec, bar: FigureLayout['bar']) {
  ctx.font = `11px ${FONT}`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  if (spec.colourMap === 'blocks') {
    BLOCK_LABELS.forEach((label, i) => {
      ctx.fillStyle = BLOCK_COLOURS[i];
      ctx.fillRect(bar.x, bar.y + i * 24, bar.width, 16);
      ctx.strokeRect(bar.x, bar.y + i * 24, bar.width, 16);
      ctx.fillStyle = INK;
      ctx.fillText(label, bar.x + bar.width + 6, bar.y + i * 24 + 8);
    });
    return;
  }
  for (let y = 0; y < bar.height; y++) {
    ctx.fillStyle = colourAt(spec.colourMap, 1 - y / Math.max(1, bar.height - 1));
    ctx.fillRect(bar.x, bar.y + y, bar.width, 1.5);
  }
  ctx.fillStyle = INK;
  ctx.strokeRect(bar.x, bar.y, bar.width, bar.height);
  const scale = colourBarScale(spec, bar.height);
  const binary = spec.domain[0] === 0 && spec.domain[1] === 1 && spec.colourMap === 'cividis';
  const ticks = binary ? [0, 1] : scale.ticks(Math.max(2, Math.floor(bar.height / 40)));
  for (const t of ticks) {
    const y = bar.y + scale(t);
    line(ctx, bar.x + bar.width, y, bar.x + bar.width + 5, y);
    ctx.fillText(formatValue(t), bar.x + bar.width + 8, y);
  }
}

export function canvasToPngBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (blob) resolve(blob);
      else reject(new Error('The browser could not encode the PNG.'));
    }, 'image/png');
  });
}

/** The figure as a standalone SVG document (text). */
export function figureSvgText(spec: FigureSpec): string {
  const layout = exportLayout(spec);
  const cells = cellCanvas(
    spec.values,
    spec.rows.cells,
    spec.cols.cells,
    spec.colourMap,
    spec.domain,
  );
  const svg = createSvgElement();
  renderFigureSvg(svg, spec, layout, {
    idPrefix: 'flexmask-export',
    zoom: IDENTITY_ZOOM,
    cellImageHref: cells.toDataURL('image/png'),
    ink: INK,
    background: PAPER,
    fontFamily: FONT,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}\n`;
}

/** Saves a blob under a file name through a temporary link. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the download a moment to start before the URL is revoked.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
