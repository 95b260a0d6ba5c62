import { describe, expect, it } from 'vitest';
import { emitVectorExp, expScratch, multiplyAdd } from './vectorExp';
import { FunctionBody } from './wasm/functionBody';
import { writeModule } from './wasm/moduleWriter';
import { setFlagsFromString } from 'node:v8';

// Node 20 has relaxed SIMD behind a flag (Chromium ships it); set before any module compiles.
setFlagsFromString('--experimental-wasm-relaxed-simd');

/** A module whose `exp4(address)` replaces four floats in memory by their exp. */
function expModule(relaxed: boolean): { exp4: (address: number) => void; floats: Float32Array } {
  const body = new FunctionBody(['i32']);
  const x = body.addLocal('v128');
  const scratch = expScratch(body);
  body.localGet(0).v128Load().localSet(x);
  body.localGet(0);
  emitVectorExp(body, multiplyAdd(body, relaxed), x, scratch);
  body.v128Store();
  const bytes = writeModule({ functions: [{ name: 'exp4', body }], memoryPages: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const exp4 = instance.exports.exp4 as (address: number) => void;
  const memory = instance.exports.memory as WebAssembly.Memory;
  return { exp4, floats: new Float32Array(memory.buffer, 0, 4) };
}

function ulpsApart(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat32(0, a);
  view.setFloat32(4, b);
  return Math.abs(view.getInt32(0) - view.getInt32(4));
}

const variants = [false, true].filter((relaxed) => !relaxed || relaxedAvailable());

function relaxedAvailable(): boolean {
  try {
    expModule(true);
    return true;
  } catch {
    return false;
  }
}

describe.each(variants)('vector exp (relaxed %s)', (relaxed) => {
  const { exp4, floats } = expModule(relaxed);
  const run = (values: number[]): number[] => {
    floats.set(values);
    exp4(0);
    return Array.from(floats);
  };

  it('is within 4 ulp of exp over [-87, 0] and a little above', () => {
    let worst = 0;
    let worstAt = 0;
    for (let i = 0; i <= 200000; i++) {
      const x = Math.fround(-87 + (i / 200000) * 90);
      const [y] = run([x, 0, 0, 0]);
      const ulps = ulpsApart(y, Math.fround(Math.exp(x)));
      if (ulps > worst) {
        worst = ulps;
        worstAt = x;
      }
    }
    expect(worst, `worst at x = ${worstAt}`).toBeLessThanOrEqual(4);
  });

  it('gives exactly 0 for -inf and far-negative inputs, 1 for 0, NaN for NaN', () => {
    expect(run([-Infinity, -1000, -88, 0])).toEqual([0, 0, 0, 1]);
    const [nan, tiny, ,] = run([NaN, -1e-30, 0, 0]);
    expect(nan).toBeNaN();
    expect(tiny).toBe(1);
  });
});
