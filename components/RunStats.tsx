import { useStore } from 'zustand';
import { playground } from '../app/state/store';
import type { Stage } from '../app/engine/types';

const STAGE_LABELS: Record<Stage, string> = {
  compile: 'Compile',
  blockMask: 'BlockMask',
  attention: 'Attention',
  picture: 'Picture',
};

function formatMs(ms: number): string {
  return ms >= 100
    ? `${ms.toFixed(0)} ms`
    : ms >= 1
      ? `${ms.toFixed(1)} ms`
      : `${ms.toFixed(3)} ms`;
}

/** Sparsity, blocks computed, time per stage and where the work ran, for the last result. */
export function RunStats() {
  const result = useStore(playground, (s) => s.result);
  if (!result) return null;
  const bm = result.blockMask;
  return (
    <section className="panel stats" aria-label="Run statistics">
      <dl className="stat-grid">
        <div>
          <dt>Sparsity</dt>
          <dd data-testid="stat-sparsity">{result.sparsity.toFixed(2)}%</dd>
        </div>
        <div>
          <dt>Blocks computed</dt>
          <dd data-testid="stat-blocks">
            {result.computedBlocks} / {result.totalBlocks}
          </dd>
        </div>
        <div>
          <dt>Partial / full</dt>
          <dd data-testid="stat-partial-full">
            {result.partialBlocks} / {result.fullBlocks}
          </dd>
        </div>
        <div>
          <dt>BlockMask B×H</dt>
          <dd data-testid="stat-mask-bh">
            {bm.B}×{bm.H}
          </dd>
        </div>
        {result.timings.map((t) => (
          <div key={t.stage}>
            <dt>
              {STAGE_LABELS[t.stage]}
              {t.source === 'gpu' ? ' (GPU)' : ''}
            </dt>
            <dd data-testid={`stat-time-${t.stage}`}>{formatMs(t.ms)}</dd>
          </div>
        ))}
      </dl>
      <p className="muted backend" data-testid="stat-backend" data-backend={result.backend}>
        {result.backend === 'gpu' ? 'WebGPU on ' : ''}
        {result.backendDetail}
      </p>
    </section>
  );
}
