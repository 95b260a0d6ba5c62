import { describe, expect, test } from 'vitest';
import { compile } from '../mask/compile';
import { createTeachingAnswerer } from './answer';
import { explainHeadCell, teachingProgram, type TeachingProgram } from './explain';
import { teachingHead } from './head';
import { CAUSAL, HEAD_DEPENDENT, SMALL_SHAPE, smallRun } from '../../testing/teachingRuns';
import { walkHeadRow } from './walk';

/** An answerer that counts its compiles. */
function counting() {
  const compiled: string[] = [];
  const answerer = createTeachingAnswerer((source): TeachingProgram => {
    compiled.push(source);
    return teachingProgram(compile(source));
  });
  return { answerer, compiled };
}

describe("the teaching worker's answers", () => {
  const run = smallRun(CAUSAL, SMALL_SHAPE);
  const head = teachingHead(run.result, 0, 0);
  const load = { kind: 'load', runId: 1, source: CAUSAL, head } as const;

  test('answers questions about the run it holds, as the plain functions do', () => {
    const { answerer } = counting();
    expect(answerer.receive(load)).toBeNull();
    const explained = answerer.receive({ kind: 'explain', id: 7, runId: 1, cell: { q: 5, kv: 7 } });
    expect(explained).toEqual({
      id: 7,
      ok: true,
      kind: 'explain',
      answer: explainHeadCell(head, teachingProgram(run.program), { q: 5, kv: 7 }),
    });
    const target = { queryBlock: 1, row: 6 };
    expect(answerer.receive({ kind: 'walk', id: 8, runId: 1, target })).toEqual({
      id: 8,
      ok: true,
      kind: 'walk',
      answer: walkHeadRow(head, run.program, target),
    });
  });

  test('compiles each program text once, and again after two others', () => {
    const { answerer, compiled } = counting();
    const other = smallRun(HEAD_DEPENDENT, SMALL_SHAPE);
    const otherHead = teachingHead(other.result, 0, 0);
    const ask = (runId: number) =>
      answerer.receive({ kind: 'explain', id: runId, runId, cell: { q: 1, kv: 0 } });
    answerer.receive(load);
    ask(1);
    ask(1);
    answerer.receive({ ...load, runId: 2 });
    ask(2);
    expect(compiled).toEqual([CAUSAL]);
    answerer.receive({ kind: 'load', runId: 3, source: HEAD_DEPENDENT, head: otherHead });
    expect(ask(3)).toMatchObject({ ok: true });
    answerer.receive({ kind: 'load', runId: 4, source: `${CAUSAL}\nX = 1\n`, head });
    ask(4);
    answerer.receive({ ...load, runId: 5 });
    ask(5);
    expect(compiled).toEqual([CAUSAL, HEAD_DEPENDENT, `${CAUSAL}\nX = 1\n`, CAUSAL]);
  });

  test('says what went wrong: no run, a run replaced, a bad row, a program that does not compile', () => {
    const { answerer } = counting();
    const walk = (id: number, runId: number, row: number) =>
      answerer.receive({ kind: 'walk', id, runId, target: { queryBlock: 0, row } });
    expect(walk(1, 1, 0)).toEqual({
      id: 1,
      ok: false,
      message: 'the worker does not hold the run this question is about',
    });
    answerer.receive(load);
    answerer.receive({ ...load, runId: 2 });
    expect(walk(2, 1, 0)).toMatchObject({ id: 2, ok: false });
    expect(walk(3, 2, 6)).toEqual({
      id: 3,
      ok: false,
      message: 'walkthrough: row 6 is not in query block 0',
    });
    answerer.receive({ ...load, runId: 3, source: 'mask_mod = (' });
    expect(walk(4, 3, 0)).toEqual({
      id: 4,
      ok: false,
      message: "SyntaxError: '(' was never closed",
    });
  });
});
