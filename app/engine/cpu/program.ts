/**
 * The program as a CPU worker runs it, compiled from its text (a compiled program holds functions
 * and cannot be posted). It keeps the checked program, not only the CPU functions, because the
 * bounds back end (boundsOf) reads the traced IR to settle whole blocks at once.
 */
import { boundsOf } from '../../mask/bounds';
import { checkSource } from '../../mask/compile';
import { buildTileFunction, maskTileOf, scoreTileOf } from '../../mask/tile';
import type { Dependence } from '../../mask/types';
import type { ItemProgram } from './item';

export interface WorkerProgram extends ItemProgram {
  source: string;
  maskDeps: Dependence;
}

/**
 * Compiles `source` into what an item needs: the tile back end (app/mask/tile.ts), mask in f32
 * and score in f64 as `programFromData` (app/mask/compile.ts) builds a CompiledProgram's
 * functions, so masks and scores here equal the page's and the reference's, cell for cell.
 */
export function workerProgram(source: string): WorkerProgram {
  let checked;
  try {
    checked = checkSource(source);
  } catch (error) {
    // The page compiled this text before the run, so this is not expected; say what happened.
    throw new Error(
      `The CPU worker could not compile the program: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const program = checked;
  const mask = program.mask ? buildTileFunction(program.mask, program, 'f32') : null;
  const score = program.score ? buildTileFunction(program.score, program, 'f64') : null;
  return {
    source,
    maskDeps: program.maskDeps,
    hasScoreMod: score !== null,
    maskTile: maskTileOf(mask),
    scoreTile: scoreTileOf(score),
    bounds: (b, h, qLo, qHi, kvLo, kvHi) => boundsOf(program, b, h, qLo, qHi, kvLo, kvHi),
  };
}
