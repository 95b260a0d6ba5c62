import { useStore } from 'zustand';
import { blockStateAt } from '../app/state/figure';
import { playground } from '../app/state/store';
import { headOutputs, shownRun, type ShownRun } from '../app/state/shownRun';
import type { ViewName } from '../app/problem';
import { formatValue } from './figureLayout';

interface ReadoutRow {
  key: string;
  label: string;
  value: string;
}

function tokenRange(first: number, count: number, limit: number): string {
  const last = Math.min(first + count, limit) - 1;
  return last > first ? `${first}–${last}` : String(first);
}

/** What the hovered cell stands for, field by field. */
export function readoutRows(
  result: ShownRun,
  view: ViewName,
  row: number,
  col: number,
): ReadoutRow[] {
  const { picture: sv, blockMask: bm, shape } = result;
  const head = [
    { key: 'b', label: 'b', value: String(sv.b) },
    { key: 'h', label: 'h', value: String(sv.h) },
  ];
  if (view === 'output') {
    const { out, lse } = headOutputs(result);
    return [
      ...head,
      { key: 'q', label: 'q_idx', value: String(row) },
      { key: 'dv', label: 'dim', value: String(col) },
      { key: 'out', label: 'out', value: formatValue(out[row * shape.DV + col]) },
      { key: 'lse', label: 'lse', value: formatValue(lse[row]) },
    ];
  }
  if (view === 'blocks') {
    return [
      ...head,
      { key: 'q', label: 'q_idx', value: tokenRange(row * bm.blockQ, bm.blockQ, shape.Q) },
      { key: 'kv', label: 'kv_idx', value: tokenRange(col * bm.blockKV, bm.blockKV, shape.KV) },
      { key: 'qb', label: 'q block', value: String(row) },
      { key: 'kvb', label: 'kv block', value: String(col) },
      { key: 'block', label: 'block', value: blockStateAt(bm, sv.b, sv.h, row, col) },
    ];
  }
  const i = row * sv.cols + col;
  const q = row * sv.rowStride;
  const kv = col * sv.colStride;
  const q0 = Math.floor(q / bm.blockQ);
  const kv0 = Math.floor(kv / bm.blockKV);
  return [
    ...head,
    { key: 'q', label: 'q_idx', value: tokenRange(q, sv.rowStride, shape.Q) },
    { key: 'kv', label: 'kv_idx', value: tokenRange(kv, sv.colStride, shape.KV) },
    { key: 'score', label: 'score', value: formatValue(sv.scores[i]) },
    { key: 'prob', label: 'probability', value: formatValue(sv.probs[i]) },
    { key: 'mask', label: 'mask', value: sv.mask[i] ? 'True' : 'False' },
    { key: 'block', label: `block (${q0}, ${kv0})`, value: blockStateAt(bm, sv.b, sv.h, q0, kv0) },
  ];
}

/** The readout of the cell under the pointer (values tests read by data-testid). */
export function HoverReadout() {
  const hover = useStore(playground, (s) => s.hover);
  const result = useStore(playground, shownRun);
  const view = useStore(playground, (s) => s.scenario.view);
  const rows = hover && result ? readoutRows(result, view, hover.row, hover.col) : null;
  return (
    <dl className="readout" data-testid="hover-readout" aria-live="off">
      {rows ? (
        rows.map((r) => (
          <div key={r.key} className="readout-item">
            <dt>{r.label}</dt>
            <dd data-testid={`hover-${r.key}`}>{r.value}</dd>
          </div>
        ))
      ) : (
        <div className="readout-item muted">Point at a cell to read its values.</div>
      )}
    </dl>
  );
}
