/**
 * Shared plumbing of the teaching panels: the last run with the program that produced it (both
 * from the store), asking the teaching worker about it, and a picture click as a token cell.
 * What the panels show is computed by app/teaching, in its worker.
 */
import { isAbortError } from '../app/async/abort';
import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { ViewName } from '../app/problem';
import { playground, type SelectedCell } from '../app/state/store';
import { type TeachingRun } from '../app/teaching/teachingClient';
import { tokenCell } from '../app/teaching/tokenCell';

/** The last successful run and its program, or null before the first run. */
export function useTeachingRun(): TeachingRun | null {
  const result = useStore(playground, (s) => s.result);
  const program = useStore(playground, (s) => s.resultProgram);
  return useMemo(() => (result && program ? { result, program } : null), [result, program]);
}

/** The state of a question to the teaching worker. */
export interface Answer<Q, T> {
  /** The last answer that arrived (it may answer an earlier question). */
  value: T | null;
  /** The question `value` answers while it is still the current one; null once it is not. */
  answered: Q | null;
  /** True while the current question is being computed. */
  computing: boolean;
  /** Why the current question failed (the worker's message, or its deadline). */
  error: string | null;
}

/**
 * Asks `ask(question)` whenever `question` changes (compare by identity: memoise it) and keeps
 * the last answer on screen meanwhile. Answers to questions asked before the current one are
 * dropped, so a slow answer never overwrites a newer one.
 */
export function useAnswer<Q, T>(
  question: Q | null,
  ask: (question: Q, signal: AbortSignal) => Promise<T>,
): Answer<Q, T> {
  // A question holds its whole run (Q, K, V, outputs): the state lets go of an answered question
  // as soon as it is no longer the current one, so an old run is freed with the store's.
  const [state, setState] = useState<Answer<Q, T>>({
    value: null,
    answered: null,
    computing: false,
    error: null,
  });
  useEffect(() => {
    if (question === null) {
      setState((s) => ({ ...s, answered: null, computing: false, error: null }));
      return;
    }
    let current = true;
    // Withdrawn when the question changes or the panel goes away, so a closed panel's question
    // never holds the worker or its deadline against the other panel's.
    const withdraw = new AbortController();
    setState((s) => ({ ...s, answered: null, computing: true, error: null }));
    ask(question, withdraw.signal).then(
      (value) => {
        if (current) setState({ value, answered: question, computing: false, error: null });
      },
      (error: unknown) => {
        if (!current || isAbortError(error)) return;
        const message = error instanceof Error ? error.message : String(error);
        setState((s) => ({ ...s, computing: false, error: message }));
      },
    );
    return () => {
      current = false;
      withdraw.abort();
    };
  }, [question, ask]);
  return state;
}

/** The token cell a click on the picture stands for, with the selection and BlockMask on screen. */
export function cellFromFigure(
  view: ViewName,
  rowStride: number,
  colStride: number,
  row: number,
  col: number,
): SelectedCell {
  const { selectedCell, result } = playground.getState();
  return tokenCell(view, rowStride, colStride, row, col, selectedCell, result?.blockMask ?? null);
}
