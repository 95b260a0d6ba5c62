import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { select, zoom as d3zoom, zoomIdentity, zoomTransform, type ZoomBehavior } from 'd3';
import type { FigureSpec } from '../app/state/figure';
import { playground, selectCell, setHover, setZoom } from '../app/state/store';
import { cellFromFigure } from './teachingRun';
import { cellScale, layoutFigure, plotSize } from './figureLayout';
import { renderFigureSvg } from './figureSvg';
import { useCellCanvas } from './useCellCanvas';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const ZOOM_STEP = 1.5;
const PAN_STEP = 48;

/**
 * One figure on screen: cells painted on a canvas (one pixel per cell, scaled up without
 * smoothing, so a 2048 x 2048 grid pans and zooms smoothly), with title, axes, grid and colour
 * bar drawn by d3 in an SVG on top. Wheel, drag, buttons and keys zoom and pan; the pointer
 * sets the hovered cell that the readout shows. Each time the cells are painted, the canvas's
 * `data-painted` is set to `paintTag` (which run the picture came from), so tests and the
 * latency bench can observe when a run's picture reached the screen, and `data-complete` says
 * whether every cell is drawn (a large grid first shows the cells the screen shows).
 */
export function HeatmapFigure({ spec, paintTag }: { spec: FigureSpec; paintTag?: string }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const overlayRef = useRef<HTMLDivElement>(null);
  const zoomRef = useRef<ZoomBehavior<HTMLDivElement, unknown> | null>(null);
  const [containerWidth, setContainerWidth] = useState(720);
  const zoom = useStore(playground, (s) => s.zoom);
  const hover = useStore(playground, (s) => s.hover);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const observer = new ResizeObserver((entries) => {
      const width = entries[0]?.contentRect.width;
      if (width) setContainerWidth(Math.floor(width));
    });
    observer.observe(container);
    return () => observer.disconnect();
  }, []);

  // Fit the whole figure in the window at 1280 x 800 while staying large on tall screens.
  const maxPlotHeight = Math.max(260, Math.min(680, window.innerHeight - 400));
  const size = plotSize(spec, containerWidth, maxPlotHeight);
  const layout = useMemo(
    () => layoutFigure(spec, size.width, size.height),
    [spec, size.width, size.height],
  );
  const { plot } = layout;
  // Keyed on what the cells are drawn from, not on the spec object: a finished run whose picture
  // is the one its preview already drew (the same arrays) is not coloured a second time.
  const { values, colourMap } = spec;
  const [lo, hi] = spec.domain;
  const rowCells = spec.rows.cells;
  const colCells = spec.cols.cells;
  const dpr = window.devicePixelRatio || 1;
  const {
    canvas: cellsCanvas,
    current: cellsReady,
    complete: cellsComplete,
  } = useCellCanvas(
    values,
    rowCells,
    colCells,
    colourMap,
    lo,
    hi,
    { width: plot.width * dpr, height: plot.height * dpr },
    zoom.k > 1,
  );

  // The cells: the one-pixel-per-cell canvas (for a large grid, first the cells the screen
  // shows), scaled by the zoom, nearest-neighbour.
  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !cellsReady || !cellsCanvas) return;
    canvas.width = Math.round(plot.width * dpr);
    canvas.height = Math.round(plot.height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, plot.width, plot.height);
    ctx.imageSmoothingEnabled = false;
    ctx.translate(zoom.x, zoom.y);
    ctx.scale(zoom.k, zoom.k);
    ctx.drawImage(cellsCanvas, 0, 0, plot.width, plot.height);
    if (paintTag !== undefined) canvas.dataset.painted = paintTag;
    canvas.dataset.complete = String(cellsComplete);
  }, [cellsCanvas, cellsReady, cellsComplete, plot.width, plot.height, zoom, paintTag, dpr]);

  // Title, axes, grid, colour bar.
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    renderFigureSvg(svg, spec, layout, {
      idPrefix: `figure-${spec.view}`,
      zoom,
      ink: 'currentColor',
      fontFamily: FONT,
    });
  }, [spec, layout, zoom]);

  // d3-zoom owns wheel, drag and touch; the store mirrors its transform.
  useEffect(() => {
    const overlay = overlayRef.current;
    if (!overlay) return;
    const cellPixels = Math.min(plot.width / spec.cols.cells, plot.height / spec.rows.cells);
    const maxK = Math.max(8, 64 / Math.max(cellPixels, 1e-3));
    const extent: [[number, number], [number, number]] = [
      [0, 0],
      [plot.width, plot.height],
    ];
    const behaviour = d3zoom<HTMLDivElement, unknown>()
      .scaleExtent([1, maxK])
      .extent(extent)
      .translateExtent(extent)
      .on('zoom', (event: { transform: { k: number; x: number; y: number } }) => {
        const { k, x, y } = event.transform;
        setZoom({ k, x, y });
      });
    zoomRef.current = behaviour;
    const selection = select(overlay);
    selection.call(behaviour);
    const current = playground.getState().zoom;
    selection.call(
      behaviour.transform,
      zoomIdentity.translate(current.x, current.y).scale(current.k),
    );
    return () => {
      selection.on('.zoom', null);
    };
  }, [plot.width, plot.height, spec.rows.cells, spec.cols.cells]);

  // The store may reset the zoom (a new picture size): tell d3 so the next gesture starts there.
  useEffect(() => {
    const overlay = overlayRef.current;
    const behaviour = zoomRef.current;
    if (!overlay || !behaviour) return;
    const t = zoomTransform(overlay);
    if (t.k !== zoom.k || t.x !== zoom.x || t.y !== zoom.y) {
      select(overlay).call(
        behaviour.transform,
        zoomIdentity.translate(zoom.x, zoom.y).scale(zoom.k),
      );
    }
  }, [zoom]);

  const zoomBy = useCallback((factor: number) => {
    const overlay = overlayRef.current;
    const behaviour = zoomRef.current;
    if (overlay && behaviour) select(overlay).call(behaviour.scaleBy, factor);
  }, []);
  const panBy = useCallback((dx: number, dy: number) => {
    const overlay = overlayRef.current;
    const behaviour = zoomRef.current;
    if (!overlay || !behaviour) return;
    const k = zoomTransform(overlay).k;
    select(overlay).call(behaviour.translateBy, dx / k, dy / k);
  }, []);
  const resetZoom = useCallback(() => {
    const overlay = overlayRef.current;
    const behaviour = zoomRef.current;
    if (overlay && behaviour) select(overlay).call(behaviour.transform, zoomIdentity);
  }, []);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const actions: Record<string, () => void> = {
      '+': () => zoomBy(ZOOM_STEP),
      '=': () => zoomBy(ZOOM_STEP),
      '-': () => zoomBy(1 / ZOOM_STEP),
      '0': resetZoom,
      ArrowLeft: () => panBy(PAN_STEP, 0),
      ArrowRight: () => panBy(-PAN_STEP, 0),
      ArrowUp: () => panBy(0, PAN_STEP),
      ArrowDown: () => panBy(0, -PAN_STEP),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };

  const xs = cellScale(spec.cols.cells, plot.width, zoom.k, zoom.x);
  const ys = cellScale(spec.rows.cells, plot.height, zoom.k, zoom.y);
  const onPointerMove = (event: React.PointerEvent) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const col = Math.floor(xs.invert(event.clientX - rect.left));
    const row = Math.floor(ys.invert(event.clientY - rect.top));
    const inside = row >= 0 && row < spec.rows.cells && col >= 0 && col < spec.cols.cells;
    setHover(inside ? { row, col } : null);
  };

  const highlight =
    hover && hover.row < spec.rows.cells && hover.col < spec.cols.cells ? hover : null;

  return (
    <div className="figure" ref={containerRef}>
      <div
        className="figure-stage"
        style={{ width: layout.width, height: layout.height }}
        data-testid="figure"
        data-view={spec.view}
        data-rows={spec.rows.cells}
        data-cols={spec.cols.cells}
        data-colour-map={spec.colourMap}
        data-zoom={zoom.k.toFixed(3)}
      >
        <canvas
          ref={canvasRef}
          className="figure-cells"
          data-testid="figure-cells"
          style={{ left: plot.x, top: plot.y, width: plot.width, height: plot.height }}
        />
        <svg ref={svgRef} className="figure-svg" aria-hidden="true" />
        {highlight && (
          <div
            className="figure-hover"
            style={{
              left: plot.x + Math.max(0, xs(highlight.col)),
              top: plot.y + Math.max(0, ys(highlight.row)),
              width: Math.max(
                2,
                Math.min(xs(highlight.col + 1), plot.width) - Math.max(0, xs(highlight.col)),
              ),
              height: Math.max(
                2,
                Math.min(ys(highlight.row + 1), plot.height) - Math.max(0, ys(highlight.row)),
              ),
            }}
          />
        )}
        <div
          ref={overlayRef}
          className="figure-overlay"
          data-testid="figure-overlay"
          role="img"
          tabIndex={0}
          aria-label={`${spec.title}${spec.subtitle ? `, ${spec.subtitle}` : ''}: ${spec.rows.label} by ${spec.cols.label}. Arrow keys pan, plus and minus zoom, 0 resets.`}
          style={{ left: plot.x, top: plot.y, width: plot.width, height: plot.height }}
          onPointerMove={onPointerMove}
          onPointerLeave={() => setHover(null)}
          onClick={() => {
            // Teaching: a click selects the cell the explain panel and the walkthrough show.
            if (!highlight) return;
            const { rows, cols, view } = spec;
            selectCell(
              cellFromFigure(view, rows.stride, cols.stride, highlight.row, highlight.col),
            );
          }}
          onKeyDown={onKeyDown}
        />
      </div>
      <div className="zoom-controls" role="group" aria-label="Zoom">
        <button type="button" onClick={() => zoomBy(ZOOM_STEP)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoomBy(1 / ZOOM_STEP)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={resetZoom} aria-label="Reset zoom">
          Reset
        </button>
        <span className="muted" data-testid="zoom-level">
          {Math.round(zoom.k * 100)}%
        </span>
      </div>
    </div>
  );
}
