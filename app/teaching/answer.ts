/**
 * The teaching worker's side, as a plain object so tests run it in-process: it keeps the last run
 * it was sent and answers questions about it. Programs are compiled here from their text, once
 * per text, since the page cannot post a compiled program (it holds functions).
 */
import { compile } from '../mask/compile';
import { explainHeadCell, teachingProgram, type TeachingProgram } from './explain';
import type { TeachingHead } from './head';
import type { TeachingMessage, TeachingResponse } from './protocol';
import { walkHeadRow } from './walk';

/** Programs kept compiled: the run's, and the one before it (an edit and its undo). */
const PROGRAMS_KEPT = 2;

export interface TeachingAnswerer {
  /** Takes one message from the page; returns the answer to post, or null for a load. */
  receive(message: TeachingMessage): TeachingResponse | null;
}

export function createTeachingAnswerer(
  prepare: (source: string) => TeachingProgram = (source) => teachingProgram(compile(source)),
): TeachingAnswerer {
  let run: { runId: number; source: string; head: TeachingHead } | null = null;
  const programs = new Map<string, TeachingProgram>();

  const programOf = (source: string): TeachingProgram => {
    const kept = programs.get(source);
    if (kept) return kept;
    const prepared = prepare(source);
    programs.set(source, prepared);
    // A Map iterates in insertion order: the first key is the oldest.
    for (const oldest of programs.keys()) {
      if (programs.size <= PROGRAMS_KEPT) break;
      programs.delete(oldest);
    }
    return prepared;
  };

  const receive = (message: TeachingMessage): TeachingResponse | null => {
    if (message.kind === 'load') {
      run = { runId: message.runId, source: message.source, head: message.head };
      return null;
    }
    const { id } = message;
    if (run?.runId !== message.runId) {
      return { id, ok: false, message: 'the worker does not hold the run this question is about' };
    }
    try {
      const prepared = programOf(run.source);
      if (message.kind === 'explain') {
        return {
          id,
          ok: true,
          kind: 'explain',
          answer: explainHeadCell(run.head, prepared, message.cell),
        };
      }
      return {
        id,
        ok: true,
        kind: 'walk',
        answer: walkHeadRow(run.head, prepared.program, message.target),
      };
    } catch (error) {
      return { id, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  };
  return { receive };
}
