/**
 * The messages between the page and the teaching worker. The page sends each run once (`load`:
 * the program's text and the head on screen), then questions about it, each naming the run by
 * the id it was loaded with; the worker answers each question by its own id.
 */
import type { ExplainAnswer, TokenCell } from './explain';
import type { TeachingHead } from './head';
import type { RowTarget, WalkAnswer } from './walk';

export interface LoadRun {
  kind: 'load';
  runId: number;
  /** The program's text: a compiled program holds functions and cannot be posted. */
  source: string;
  head: TeachingHead;
}

export interface ExplainQuestion {
  kind: 'explain';
  id: number;
  runId: number;
  cell: TokenCell;
}

export interface WalkQuestion {
  kind: 'walk';
  id: number;
  runId: number;
  target: RowTarget;
}

export type TeachingQuestion = ExplainQuestion | WalkQuestion;
export type TeachingMessage = LoadRun | TeachingQuestion;

export type TeachingResponse =
  | { id: number; ok: true; kind: 'explain'; answer: ExplainAnswer }
  | { id: number; ok: true; kind: 'walk'; answer: WalkAnswer }
  | { id: number; ok: false; message: string };
