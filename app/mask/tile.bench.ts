// `npx vitest bench --run app/mask/tile.bench.ts`: mask_mod and score_mod over one 128 x 128 tile
// of the bench's S = 2048 programs, cell by cell through the CPU back end (cpu.ts) and a tile at a
// time through the tile back end (tile.ts). Divide the mean time by 16384 for ns per cell.
import { bench, describe } from 'vitest';
import { maskSource, type MaskId } from '../../bench/src/cases';
import { compile } from './compile';

const S = 2048;
const BLOCK = 128;
// A block on the diagonal, where causal and document blocks are partial.
const Q0 = 1024;
const KV0 = 1024;

function maskCases(mask: MaskId): void {
  const p = compile(maskSource(mask, S, 2));
  const out = new Uint8Array(BLOCK * BLOCK);
  describe(`${mask}: mask_mod over a ${BLOCK} x ${BLOCK} tile`, () => {
    bench('cell by cell (cpu.ts)', () => {
      for (let r = 0; r < BLOCK; r++) {
        for (let c = 0; c < BLOCK; c++) out[r * BLOCK + c] = p.mask(0, 1, Q0 + r, KV0 + c) ? 1 : 0;
      }
    });
    bench('tile (tile.ts)', () => {
      p.maskTile(0, 1, Q0, BLOCK, KV0, BLOCK, out, BLOCK);
    });
  });
}

maskCases('causal');
maskCases('document');

const alibi = compile(maskSource('alibi', S, 2));
const scores = Float32Array.from({ length: BLOCK * BLOCK }, (_, i) => (i % 97) / 13 - 3);
describe(`alibi: score_mod over a ${BLOCK} x ${BLOCK} tile`, () => {
  bench('cell by cell (cpu.ts)', () => {
    for (let r = 0; r < BLOCK; r++) {
      for (let c = 0; c < BLOCK; c++) {
        const at = r * BLOCK + c;
        scores[at] = alibi.score(scores[at], 0, 1, Q0 + r, KV0 + c);
      }
    }
  });
  bench('tile (tile.ts)', () => {
    alibi.scoreTile(scores, 0, BLOCK, 0, 1, Q0, BLOCK, KV0, BLOCK);
  });
});
