import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { formatTraceValue, type TraceNode } from '../app/mask/trace';
import type { CellExplanation } from '../app/reference/explainCell';
import { playground } from '../app/state/store';
import { cellInShape, type ExplainAnswer, type TokenCell } from '../app/teaching/explain';
import { teachingClient, type TeachingRun } from '../app/teaching/teachingClient';
import { formatValue } from './figureLayout';
import { useAnswer, useTeachingRun } from './teachingRun';
import './teaching.css';

interface ExplainQuestion {
  run: TeachingRun;
  cell: TokenCell;
}

/** The explanation, with the text of the program it explains (the traces point into it). */
const askExplain = async (
  { run, cell }: ExplainQuestion,
  signal: AbortSignal,
): Promise<ExplainAnswer & { source: string }> => ({
  ...(await teachingClient().explain(run, cell, signal)),
  source: run.program.source,
});

const KERNEL_TEXT: Record<CellExplanation['kernel'], string> = {
  skipped: 'skipped: the block is empty, the kernel never loads it',
  masked: 'masked element by element: the block is partial, so mask_mod runs on each element',
  unmasked: 'computed without a mask: the block is full, so only score_mod runs',
};

/** One evaluated sub-expression and, indented below it, the ones it was computed from. */
function TraceItem({
  node,
  decider,
  onHover,
}: {
  node: TraceNode;
  decider: boolean;
  onHover: (node: TraceNode | null) => void;
}) {
  // An implicit conversion reads better folded into its operand: `HEADS` = 8 -> 8.0.
  const shown = node.kind === 'cast' && node.children.length === 1 ? node.children[0] : node;
  const value = formatTraceValue(node.value, node.type);
  const classes = [
    'trace-item',
    node.taken ? '' : 'trace-not-taken',
    node.type === 'bool' ? (node.value !== 0 ? 'trace-true' : 'trace-false') : '',
    decider ? 'trace-decider' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const leaf = shown.kind === 'arg' || shown.kind === 'param' || shown.kind === 'const';
  return (
    <li className={classes} data-testid="trace-node" data-kind={node.kind} data-value={value}>
      <div
        className="trace-line"
        onPointerEnter={() => onHover(shown)}
        onPointerLeave={() => onHover(null)}
      >
        {node.member && <span className="trace-member">{node.member.name}:</span>}
        <code className="trace-text">{shown.text}</code>
        <span className="trace-equals">=</span>
        <code className="trace-value">{value}</code>
        {node.kind === 'combine' && (
          <span className="trace-note">
            {node.decidedBy === null || node.decidedBy === undefined
              ? node.combine === 'and_masks'
                ? 'every member allowed'
                : 'no member allowed'
              : `decided by ${node.children[node.decidedBy]?.member?.name ?? ''}`}
          </span>
        )}
        {decider && <span className="badge trace-badge">decided</span>}
        {!node.taken && <span className="trace-note">branch not taken</span>}
        {node.repeated && <span className="trace-note">(as above)</span>}
        {shown.inFunction && !leaf && <span className="trace-where">in {shown.inFunction}</span>}
      </div>
      {!leaf && shown.children.length > 0 && !node.repeated && (
        <ul className="trace-children">
          {shown.children.map((child, k) => (
            <TraceItem
              key={`${child.id}-${k}`}
              node={child}
              decider={node.kind === 'combine' && node.decidedBy === k}
              onHover={onHover}
            />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The program text with the span under the pointer highlighted. */
function SourceView({ source, node }: { source: string; node: TraceNode | null }) {
  const span = node?.span;
  if (!span) return <pre className="trace-source">{source}</pre>;
  return (
    <pre className="trace-source">
      {source.slice(0, span.start)}
      <mark>{source.slice(span.start, span.end)}</mark>
      {source.slice(span.end)}
    </pre>
  );
}

function Row({ label, testId, children }: { label: string; testId: string; children: string }) {
  return (
    <div className="readout-item">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/**
 * Explains the clicked cell: mask_mod and score_mod evaluated there with every sub-expression's
 * value, the score before and after score_mod, the probability, the block the cell falls in and
 * what the kernel did with it.
 */
export function ExplainPanel() {
  const run = useTeachingRun();
  const selected = useStore(playground, (s) => s.selectedCell);
  const [hovered, setHovered] = useState<TraceNode | null>(null);
  const question = useMemo(
    () =>
      run && selected && cellInShape(run.result.shape, selected) ? { run, cell: selected } : null,
    [run, selected],
  );
  const answer = useAnswer(question, askExplain);

  if (!run) return <p className="muted">Waiting for the first run…</p>;
  if (!question) {
    return (
      <p className="muted" data-testid="explain-empty">
        Click a cell of the picture to see how mask_mod and score_mod decide it.
      </p>
    );
  }
  if (answer.error !== null) {
    return (
      <p className="error-text" role="alert" data-testid="explain-error">
        {answer.error}
      </p>
    );
  }
  const computing = (
    <p className="muted" data-testid="explain-computing" aria-live="polite">
      Computing the explanation…
    </p>
  );
  // The last explanation stays on screen while the next one is computed (its title names its
  // cell), so a click never blanks the panel.
  if (!answer.value) return computing;
  const { source, cell, mask, score } = answer.value;
  const { block } = cell;
  return (
    <div className="explain" data-testid="explain-panel">
      {answer.computing && computing}
      <h3 className="teaching-title" data-testid="explain-cell">
        b = {cell.b}, h = {cell.h}, q_idx = {cell.q}, kv_idx = {cell.kv}
      </h3>
      <dl className="readout explain-summary">
        <Row label="mask_mod" testId="explain-mask">
          {cell.allowed ? 'True' : 'False'}
        </Row>
        <Row label="q · k × scale" testId="explain-raw">
          {formatValue(cell.rawScore)}
        </Row>
        <Row label="after score_mod" testId="explain-modified">
          {formatValue(cell.modifiedScore)}
        </Row>
        <Row label="score" testId="explain-score">
          {formatValue(cell.finalScore)}
        </Row>
        <Row label="probability" testId="explain-prob">
          {formatValue(cell.probability)}
        </Row>
        <Row label="row lse" testId="explain-lse">
          {formatValue(cell.lse)}
        </Row>
        <Row label={`block (${block.qBlock}, ${block.kvBlock})`} testId="explain-block">
          {block.state}
        </Row>
      </dl>
      <p className="explain-kernel" data-testid="explain-kernel" data-action={cell.kernel}>
        The kernel: {KERNEL_TEXT[cell.kernel]}. mask_mod allows {block.allowedElements} of the{' '}
        {block.inBoundsElements} elements of this block
        {block.inBoundsElements < block.capacity
          ? ` (${block.capacity - block.inBoundsElements} more are padding past the sequence)`
          : ''}
        .{cell.kernel === 'skipped' ? ' This cell never reaches the softmax.' : ''}
        {block.countedState !== block.state
          ? ` Warning: counting mask_mod gives ${block.countedState}, the BlockMask says ${block.state}.`
          : ''}
      </p>
      <div className="explain-traces">
        <section aria-label="mask_mod evaluated at this cell">
          <h4>mask_mod</h4>
          {mask.root ? (
            <ul className="trace-tree" data-testid="trace-mask">
              <TraceItem node={mask.root} decider={false} onHover={setHovered} />
            </ul>
          ) : (
            <p className="muted">No mask_mod: every position is allowed.</p>
          )}
          <h4>score_mod (score = {formatValue(cell.rawScore)})</h4>
          {score.root ? (
            <ul className="trace-tree" data-testid="trace-score">
              <TraceItem node={score.root} decider={false} onHover={setHovered} />
            </ul>
          ) : (
            <p className="muted">No score_mod: the score passes through.</p>
          )}
        </section>
        <SourceView source={source} node={hovered} />
      </div>
    </div>
  );
}
