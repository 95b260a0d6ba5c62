// `npx vitest bench --run cpu/flashKernel.bench.ts`: the WebAssembly flash kernel on one thread,
// noop (every block full) at S = 2048, D = DV = 64, blocks of 128: one head is 16 x 16 tiles
// and 4 * D * S^2 = 1.07 GFLOP. Prints GFLOP/s per variant (hz x 1.07 is the same figure), and
// the q.k and softmax + P.V halves alone.
import { setFlagsFromString } from 'node:v8';
import { bench, describe } from 'vitest';
import { randomNormals } from '../app/tensors/random';
import { createFlashKernel, hasRelaxedSimd, type FlashKernel } from './flashKernel';

// Node 20 has relaxed SIMD behind a flag (Chromium ships it); set before any module compiles.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const S = 2048;
const D = 64;
const BLOCK = 128;
const FLOP_PER_HEAD = 4 * D * S * S;

const q = randomNormals(S * D, 1);
const k = randomNormals(S * D, 2);
const v = randomNormals(S * D, 3);
const out = new Float32Array(S * D);
const lse = new Float32Array(S);

type Stage = 'all' | 'scores' | 'accumulate';

function oneHead(kernel: FlashKernel, stage: Stage): void {
  for (let q0 = 0; q0 < S; q0 += BLOCK) {
    kernel.beginRows(q, q0 * D, BLOCK, 0.125);
    for (let kv0 = 0; kv0 < S; kv0 += BLOCK) {
      if (stage !== 'accumulate') kernel.scores(kv0, BLOCK);
      if (stage !== 'scores') kernel.accumulate(kv0, BLOCK);
    }
    kernel.finishRows(out, q0 * D, lse, q0);
  }
}

for (const relaxed of hasRelaxedSimd() ? [false, true] : [false]) {
  describe(`noop S=${S} D=DV=${D} blocks ${BLOCK}, one thread, relaxed SIMD ${relaxed}`, () => {
    const kernel = createFlashKernel(
      { D, DV: D, blockQ: BLOCK, blockKV: BLOCK, KV: S },
      { relaxed },
    );
    kernel.setKeys(k, 0, v, 0);
    for (const stage of ['all', 'scores', 'accumulate'] as const) {
      let seconds = 0;
      let heads = 0;
      // Each half is about half the FLOPs (2 * D of the 4 * D per element).
      const flop = stage === 'all' ? FLOP_PER_HEAD : FLOP_PER_HEAD / 2;
      bench(
        `${stage}: one head`,
        () => {
          const start = performance.now();
          oneHead(kernel, stage);
          seconds += (performance.now() - start) / 1000;
          heads++;
        },
        {
          time: 2000,
          warmupTime: 300,
          // Count the measured runs only: reset after the warmup, print after the run.
          setup: () => {
            seconds = 0;
            heads = 0;
          },
          teardown: (_task, mode) => {
            if (mode !== 'run') return;
            const rate = (flop * heads) / seconds / 1e9;
            console.log(
              `relaxed SIMD ${relaxed}, ${stage}: ${rate.toFixed(2)} GFLOP/s (one thread)`,
            );
          },
        },
      );
    }
  });
}
