import { useMemo } from 'react';
import type { ShownRun } from '../app/state/shownRun';
import { blockGrid, countBlockStates } from '../app/state/figure';
import { toString as blockMaskToString } from '../app/reference';
import { BLOCK_COLOURS } from './colourScale';

/** Block counts for the head on screen, the whole mask's sparsity and PyTorch's to_string(). */
export function BlockSummary({ result }: { result: ShownRun }) {
  const bm = result.blockMask;
  const counts = useMemo(
    () => countBlockStates(blockGrid(bm, result.picture.b, result.picture.h)),
    [bm, result.picture.b, result.picture.h],
  );
  const text = useMemo(() => blockMaskToString(bm), [bm]);
  const total = counts.empty + counts.partial + counts.full;
  const pct = (n: number) => (total ? ((100 * n) / total).toFixed(1) : '0');
  return (
    <div className="block-summary">
      <ul className="block-legend" aria-label="Blocks of this batch item and head">
        {(['empty', 'partial', 'full'] as const).map((state, i) => (
          <li key={state}>
            <span className="swatch" style={{ background: BLOCK_COLOURS[i] }} aria-hidden="true" />
            {state}: <strong data-testid={`blocks-${state}`}>{counts[state]}</strong> (
            {pct(counts[state])}%)
          </li>
        ))}
        <li>
          sparsity (whole mask):{' '}
          <strong data-testid="blocks-sparsity">{result.sparsity.toFixed(2)}%</strong>
        </li>
      </ul>
      <details>
        <summary>BlockMask.to_string()</summary>
        <pre className="code-block" data-testid="block-mask-string">
          {text}
        </pre>
      </details>
    </div>
  );
}
