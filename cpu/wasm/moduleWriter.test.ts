import { describe, expect, it } from 'vitest';
import { FunctionBody } from './functionBody';
import { MEMORY_EXPORT, WASM_PAGE_BYTES, writeModule } from './moduleWriter';

function instantiate(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Exports {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
}

describe('the module writer', () => {
  it('writes a module that validates and runs: locals, a loop, scalar memory', () => {
    // count(n): adds 1.5 to an f32 total n times, keeping it in memory at address 8 too.
    const body = new FunctionBody(['i32'], ['f32']);
    const i = body.addLocal('i32');
    const total = body.addLocal('f32');
    body.whileLoop(
      () => body.localGet(i).localGet(0).i32LtU(),
      () => {
        body.localGet(total).f32Const(1.5).f32Add().localSet(total);
        body.i32Const(0).localGet(total).f32Store(8);
        body.localGet(i).i32Const(1).i32Add().localSet(i);
      },
    );
    body.i32Const(8).f32Load();
    const bytes = writeModule({ functions: [{ name: 'count', body }], memoryPages: 1 });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const exports = instantiate(bytes);
    const count = exports.count as (n: number) => number;
    expect(count(10)).toBe(15);
    const memory = exports[MEMORY_EXPORT] as WebAssembly.Memory;
    expect(memory.buffer.byteLength).toBe(WASM_PAGE_BYTES);
    expect(new Float32Array(memory.buffer)[2]).toBe(15);
  });

  it('writes SIMD that runs: a v128 load, multiply, add and store', () => {
    const body = new FunctionBody([]);
    body.i32Const(32); // store address
    body.i32Const(0).v128Load().i32Const(0).v128Load(16).f32x4Mul();
    body.f32x4Const(1, 2, 3, 4).f32x4Add().v128Store();
    const bytes = writeModule({ functions: [{ name: 'fma', body }], memoryPages: 1 });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const exports = instantiate(bytes);
    const floats = new Float32Array((exports[MEMORY_EXPORT] as WebAssembly.Memory).buffer);
    floats.set([1, 2, 3, 4, 10, 20, 30, 40]);
    (exports.fma as () => void)();
    expect(Array.from(floats.subarray(8, 12))).toEqual([11, 42, 93, 164]);
  });

  it('declares locals of several types in runs, and exports several functions', () => {
    const first = new FunctionBody(['i32'], ['i32']);
    first.addLocal('f32');
    first.addLocal('f32');
    const v = first.addLocal('v128');
    const i = first.addLocal('i32');
    first.i32Const(5).i32x4Splat().localSet(v);
    first.localGet(0).i32Const(1).i32Add().localTee(i);
    const second = new FunctionBody([], ['i32']);
    second.i32Const(-123456);
    const bytes = writeModule({
      functions: [
        { name: 'next', body: first },
        { name: 'constant', body: second },
      ],
      memoryPages: 0,
    });
    const exports = instantiate(bytes);
    expect((exports.next as (n: number) => number)(41)).toBe(42);
    expect((exports.constant as () => number)()).toBe(-123456);
  });

  it('gives a module the engine refuses when a body is malformed', () => {
    const body = new FunctionBody([], ['i32']); // promises an i32 but leaves nothing
    expect(
      WebAssembly.validate(writeModule({ functions: [{ name: 'f', body }], memoryPages: 0 })),
    ).toBe(false);
  });
});
