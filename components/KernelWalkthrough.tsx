import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { visitOrder, type WalkStep } from '../app/reference/walkthrough';
import { playground } from '../app/state/store';
import { teachingClient, type TeachingRun } from '../app/teaching/teachingClient';
import { firstRowOf, followedRow, type RowTarget, type WalkAnswer } from '../app/teaching/walk';
import { formatValue } from './figureLayout';
import { useAnswer, useTeachingRun } from './teachingRun';
import './teaching.css';

interface WalkQuestion extends RowTarget {
  run: TeachingRun;
}

const askWalk = (
  { run, queryBlock, row }: WalkQuestion,
  signal: AbortSignal,
): Promise<WalkAnswer> => teachingClient().walk(run, { queryBlock, row }, signal);

/** Milliseconds per step at each speed. */
const SPEEDS: { label: string; ms: number }[] = [
  { label: '0.5×', ms: 1600 },
  { label: '1×', ms: 800 },
  { label: '2×', ms: 400 },
  { label: '4×', ms: 200 },
];
/** Past this many key blocks the strip is not drawn (the table still is). */
const MAX_STRIP = 256;

function narrate(step: WalkStep, previous: WalkStep | undefined, total: number): string {
  const keys =
    step.kvEnd - step.kvStart === 1
      ? `key ${step.kvStart}`
      : `keys ${step.kvStart}–${step.kvEnd - 1}`;
  const what =
    step.kind === 'partial'
      ? `partial block ${step.kvBlock} (${keys}): score_mod, then mask_mod on each element; ${step.masked} masked, ${step.computed} computed for this row`
      : `full block ${step.kvBlock} (${keys}): score_mod only, no mask; ${step.computed} computed`;
  const mBefore = previous ? previous.runningMax : -Infinity;
  const rescale =
    step.runningMax > mBefore && mBefore !== -Infinity
      ? ` The max rose from ${formatValue(mBefore)} to ${formatValue(step.runningMax)}, so the sum and the accumulator were scaled by exp(${formatValue(mBefore)} − ${formatValue(step.runningMax)}).`
      : '';
  return `Step ${step.index + 1} of ${total}: ${what}.${rescale}`;
}

/**
 * The forward pass of one query block, step by step: the partial blocks in the BlockMask's order,
 * then the full ones, empty ones greyed as skipped; for one query row, the online softmax state
 * after each step, ending on the out and lse the kernel wrote. The order comes from the BlockMask
 * at once; the numbers are the reference's, computed in the teaching worker from the run's real
 * inputs and BlockMask.
 */
export function KernelWalkthrough() {
  const run = useTeachingRun();
  const selected = useStore(playground, (s) => s.selectedCell);
  const [target, setTarget] = useState<RowTarget | null>(null);
  const [position, setPosition] = useState(-1);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);

  const chosen = run
    ? followedRow(run.result.blockMask, run.result.shape.Q, target, selected)
    : null;
  const queryBlock = chosen?.queryBlock ?? -1;
  const row = chosen?.row ?? -1;
  // Keyed on the numbers, so a click elsewhere on the same row does not restart the walk.
  const question = useMemo(
    () => (run && queryBlock >= 0 ? { run, queryBlock, row } : null),
    [run, queryBlock, row],
  );
  const plan = useMemo(
    () =>
      question &&
      visitOrder(
        question.run.result.blockMask,
        question.run.result.picture.b,
        question.run.result.picture.h,
        question.queryBlock,
      ),
    [question],
  );
  const answer = useAnswer(question, askWalk);
  // Only the answer to this very question: an earlier row's numbers must never show here.
  const walked = answer.answered === question ? answer.value : null;

  const stepCount = plan?.order.length ?? 0;
  // A new walk starts from the beginning.
  useEffect(() => {
    setPosition(-1);
    setPlaying(false);
  }, [question]);

  useEffect(() => {
    if (!playing) return;
    if (position >= stepCount - 1) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => setPosition((p) => p + 1), SPEEDS[speed].ms);
    return () => clearTimeout(timer);
  }, [playing, position, stepCount, speed]);

  if (!run || !chosen || !plan) {
    return <p className="muted">Waiting for the first run…</p>;
  }
  const { result } = run;
  const { blockMask: bm, shape } = result;
  const done = position >= stepCount - 1;
  const walk = walked?.walk ?? null;
  const current = position >= 0 ? walk?.steps[position] : undefined;
  const orderOf = new Map(plan.order.map((s, index) => [s.kvBlock, { ...s, index }]));
  const rows: number[] = [];
  for (let r = chosen.first; r <= chosen.last; r++) rows.push(r);

  return (
    <div className="walkthrough" data-testid="walkthrough">
      <div className="walk-controls">
        <label>
          query block{' '}
          <select
            data-testid="walk-query-block"
            value={chosen.queryBlock}
            onChange={(e) => {
              const queryBlock = Number(e.target.value);
              setTarget(firstRowOf(bm, queryBlock));
            }}
          >
            {Array.from({ length: bm.nQ }, (_, k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          row (q_idx){' '}
          <select
            data-testid="walk-row"
            value={chosen.row}
            onChange={(e) =>
              setTarget({ queryBlock: chosen.queryBlock, row: Number(e.target.value) })
            }
          >
            {rows.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <div className="button-row" role="group" aria-label="Animation">
          <button
            type="button"
            data-testid="walk-play"
            disabled={stepCount === 0}
            onClick={() => {
              if (playing) setPlaying(false);
              else {
                if (done) setPosition(-1);
                setPlaying(true);
              }
            }}
          >
            {playing ? 'Pause' : 'Play'}
          </button>
          <button
            type="button"
            data-testid="walk-step"
            disabled={done}
            onClick={() => {
              setPlaying(false);
              setPosition((p) => Math.min(stepCount - 1, p + 1));
            }}
          >
            Step
          </button>
          <button
            type="button"
            data-testid="walk-back"
            disabled={position < 0}
            onClick={() => {
              setPlaying(false);
              setPosition((p) => Math.max(-1, p - 1));
            }}
          >
            Back
          </button>
          <button
            type="button"
            data-testid="walk-reset"
            onClick={() => {
              setPlaying(false);
              setPosition(-1);
            }}
          >
            Reset
          </button>
          <label>
            speed{' '}
            <select
              data-testid="walk-speed"
              value={speed}
              onChange={(e) => setSpeed(Number(e.target.value))}
            >
              {SPEEDS.map((s, k) => (
                <option key={s.label} value={k}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>

      <p className="muted walk-summary">
        Query block {chosen.queryBlock} (q_idx {chosen.first}–{chosen.last}) of b ={' '}
        {result.picture.b}, h = {result.picture.h}:{' '}
        {plan.order.filter((s) => s.kind === 'partial').length} partial then{' '}
        {plan.order.filter((s) => s.kind === 'full').length} full blocks visited,{' '}
        {plan.skipped.length} empty blocks skipped.
      </p>

      {bm.nKV <= MAX_STRIP ? (
        <ol
          className="walk-strip"
          aria-label="Key blocks of this query block"
          data-testid="walk-strip"
        >
          {Array.from({ length: bm.nKV }, (_, kb) => {
            const step = orderOf.get(kb);
            const state = step ? step.kind : 'empty';
            const visited = step !== undefined && step.index <= position;
            const isCurrent = step !== undefined && step.index === position;
            return (
              <li
                key={kb}
                className={`walk-block walk-${state}${visited ? ' walk-visited' : ''}${isCurrent ? ' walk-current' : ''}`}
                data-testid={`walk-block-${kb}`}
                data-state={state}
                data-order={step ? step.index : -1}
                title={
                  step
                    ? `kv block ${kb}: ${state}, visited at step ${step.index + 1}`
                    : `kv block ${kb}: empty, skipped`
                }
              >
                {step ? step.index + 1 : '–'}
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="muted">{bm.nKV} key blocks: too many to draw one by one.</p>
      )}
      <p className="muted walk-legend">
        Key blocks 0–{bm.nKV - 1}, left to right, numbered in the order the kernel visits them:{' '}
        <span className="walk-swatch walk-partial walk-visited" /> partial,{' '}
        <span className="walk-swatch walk-full walk-visited" /> full,{' '}
        <span className="walk-swatch walk-empty" /> empty (skipped).
      </p>

      {answer.error !== null ? (
        <p className="error-text" role="alert" data-testid="walk-error">
          {answer.error}
        </p>
      ) : (
        !walk && (
          <p className="muted" data-testid="walk-computing" aria-live="polite">
            Computing the walkthrough…
          </p>
        )
      )}

      <p className="walk-narration" data-testid="walk-narration" aria-live="polite">
        {current
          ? narrate(current, walk?.steps[position - 1], stepCount)
          : position >= 0
            ? 'Computing the walkthrough…'
            : stepCount === 0
              ? 'This query block has no partial or full block: the kernel visits nothing and writes out 0, lse -inf.'
              : `Before the first block: m = -inf, l = 0, acc = 0. Press Play or Step.`}
      </p>

      <table className="walk-table" data-testid="walk-table">
        <thead>
          <tr>
            <th>step</th>
            <th>kv block</th>
            <th>kind</th>
            <th>masked</th>
            <th>computed</th>
            <th>running max m</th>
            <th>running sum l</th>
            <th>‖acc / l‖</th>
          </tr>
        </thead>
        <tbody>
          {(walk?.steps ?? []).slice(0, position + 1).map((s) => (
            <tr
              key={s.index}
              className={s.index === position ? 'walk-row-current' : ''}
              data-testid="walk-table-row"
            >
              <td>{s.index + 1}</td>
              <td>{s.kvBlock}</td>
              <td>{s.kind}</td>
              <td>{s.masked}</td>
              <td>{s.computed}</td>
              <td data-testid="walk-max">{formatValue(s.runningMax)}</td>
              <td data-testid="walk-sum">{formatValue(s.runningSum)}</td>
              <td data-testid="walk-norm">{formatValue(s.outNorm)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {done && walked && (
        <dl className="readout walk-final" data-testid="walk-final">
          <div className="readout-item">
            <dt>lse = m + log l</dt>
            <dd data-testid="walk-lse">{formatValue(walked.walk.lse)}</dd>
          </div>
          <div className="readout-item">
            <dt>lse the kernel wrote</dt>
            <dd data-testid="walk-engine-lse">{formatValue(walked.kernel.lse)}</dd>
          </div>
          <div className="readout-item">
            <dt>out = acc / l</dt>
            <dd data-testid="walk-out">
              [{Array.from(walked.walk.out.slice(0, 8), formatValue).join(', ')}
              {shape.DV > 8 ? ', …' : ''}]
            </dd>
          </div>
          <div className="readout-item">
            <dt>out the kernel wrote</dt>
            <dd data-testid="walk-engine-out">
              [{walked.kernel.out.slice(0, 8).map(formatValue).join(', ')}
              {shape.DV > 8 ? ', …' : ''}]
            </dd>
          </div>
        </dl>
      )}
    </div>
  );
}
