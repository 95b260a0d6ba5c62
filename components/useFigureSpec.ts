/**
 * The figure of the last result in the view on screen, as both the playground's figure panel and
 * the embed page draw it: the title and which functions the program defines come from the code
 * that produced the result, not from the editor's newer text.
 */
import { useMemo } from 'react';
import { useStore } from 'zustand';
import { hasMaskMod, hasScoreMod } from '../app/state/compose';
import { buildFigure, type FigureSpec } from '../app/state/figure';
import { programName } from '../app/state/figureTitle';
import { playground } from '../app/state/store';

export function useFigureSpec(): FigureSpec | null {
  const result = useStore(playground, (s) => s.result);
  const code = useStore(playground, (s) => s.resultScenario?.code ?? '');
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
