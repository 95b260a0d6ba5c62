import { useStore } from 'zustand';
import { leadingComment } from '../app/state/compose';
import { playground } from '../app/state/store';
import { shownGeneration, shownRun, shownScenario } from '../app/state/shownRun';
import { BlockSummary } from './BlockSummary';
import { FigureCaption } from './FigureCaption';
import { HeatmapFigure } from './HeatmapFigure';
import { HoverReadout } from './HoverReadout';
import { useFigureSpec } from './useFigureSpec';
import { ViewTabs } from './ViewTabs';

/** The view tabs, the picture of the chosen view, its caption and the hover readout. */
export function FigurePanel() {
  const result = useStore(playground, shownRun);
  const resultScenario = useStore(playground, shownScenario);
  const generation = useStore(playground, shownGeneration);
  const previewing = useStore(playground, (s) => s.preview !== null);
  const view = useStore(playground, (s) => s.scenario.view);

  const code = resultScenario?.code ?? '';
  const spec = useFigureSpec();

  return (
    <section className="panel figure-panel" aria-label="Result">
      <ViewTabs />
      <div id="view-panel" role="tabpanel" aria-labelledby={`tab-${view}`}>
        {spec && result ? (
          <>
            <FigureCaption
              view={view}
              colourMap={spec.colourMap}
              about={leadingComment(code)}
              rows={result.shape.Q}
              cols={result.shape.KV}
            />
            <HeatmapFigure
              spec={spec}
              paintTag={`${generation}:${previewing ? 'preview' : 'result'}`}
            />
            <HoverReadout />
            {view === 'blocks' && <BlockSummary result={result} />}
          </>
        ) : (
          <p className="muted placeholder">Computing the first picture…</p>
        )}
      </div>
    </section>
  );
}
