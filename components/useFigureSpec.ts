/**
 * The figure of the run shown (the last result, or the run in flight's first picture) in the view
 * on screen, as both the playground's figure panel and the embed page draw it: the title and
 * which functions the program defines come from the code that produced it, not from the editor's
 * newer text.
 */
import { useMemo } from 'react';
import { useStore } from 'zustand';
import { hasMaskMod, hasScoreMod } from '../app/state/compose';
import { buildFigure, type FigureSpec } from '../app/state/figure';
import { programName } from '../app/state/figureTitle';
import { playground } from '../app/state/store';
import { shownRun, shownScenario } from '../app/state/shownRun';

export function useFigureSpec(): FigureSpec | null {
  const result = useStore(playground, shownRun);
  const code = useStore(playground, (s) => shownScenario(s)?.code ?? '');
  const view = useStore(playground, (s) => s.scenario.view);
  return useMemo(() => {
    if (!result) return null;
    return buildFigure({
      result,
      view,
      name: programName(code),
      hasMask: hasMaskMod(code),
      hasScoreMod: hasScoreMod(code),
    });
  }, [result, view, code]);
}
