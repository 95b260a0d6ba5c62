import { describe, expect, it } from 'vitest';
import { uniformStruct } from './uniformStruct';

/** name -> [offset, size] of each field, for comparing with offsets worked out by hand. */
function offsets(struct: ReturnType<typeof uniformStruct>): Record<string, [number, number]> {
  return Object.fromEntries(struct.fields.map((f) => [f.name, [f.offset, f.size]]));
}

describe('uniformStruct layout (WGSL memory layout rules, worked by hand)', () => {
  it('packs scalars back to back, and sizes the struct to its 4-byte alignment', () => {
    const s = uniformStruct('Three', { a: 'u32', b: 'i32', c: 'f32' });
    expect(offsets(s)).toEqual({ a: [0, 4], b: [4, 4], c: [8, 4] });
    expect(s.align).toBe(4);
    // SizeOf = roundUp(4, 12) = 12; the uniform buffer is padded to a 16-byte row.
    expect(s.size).toBe(12);
    expect(s.bufferBytes).toBe(16);
    expect(s.pack({ a: 1, b: 2, c: 3 }).byteLength).toBe(16);
  });

  it('aligns a vec2 after a scalar to 8 and a vec4 after a scalar to 16', () => {
    const s = uniformStruct('Mixed', {
      a: 'f32', // 0
      b: 'vec2<u32>', // AlignOf 8: 4 -> 8, ends at 16
      c: 'i32', // 16
      d: 'vec3<f32>', // AlignOf 16: 20 -> 32, SizeOf 12, ends at 44
      e: 'u32', // fills the vec3's last 4 bytes: 44
      f: 'vec4<i32>', // AlignOf 16: 48, ends at 64
      g: 'f32', // 64, ends at 68
    });
    expect(offsets(s)).toEqual({
      a: [0, 4],
      b: [8, 8],
      c: [16, 4],
      d: [32, 12],
      e: [44, 4],
      f: [48, 16],
      g: [64, 4],
    });
    // AlignOf = max(4, 8, 16) = 16, so SizeOf = roundUp(16, 68) = 80.
    expect(s.align).toBe(16);
    expect(s.size).toBe(80);
    expect(s.bufferBytes).toBe(80);
  });

  it('rounds the struct size up to its alignment, not to 16, when the largest is a vec2', () => {
    const s = uniformStruct('Pair', { xy: 'vec2<f32>', n: 'u32' });
    expect(offsets(s)).toEqual({ xy: [0, 8], n: [8, 4] });
    expect(s.align).toBe(8);
    // roundUp(8, 12) = 16.
    expect(s.size).toBe(16);
    const t = uniformStruct('Lone', { n: 'u32', xy: 'vec2<i32>', m: 'u32', k: 'u32' });
    // n 0, xy 8..16, m 16, k 20: ends at 24, roundUp(8, 24) = 24; the buffer rounds to 32.
    expect(offsets(t)).toEqual({ n: [0, 4], xy: [8, 8], m: [16, 4], k: [20, 4] });
    expect(t.size).toBe(24);
    expect(t.bufferBytes).toBe(32);
  });
});

describe('uniformStruct text and packing', () => {
  it('writes the WGSL struct with the declared names and types, in order', () => {
    const s = uniformStruct('Grid', { q_len: 'u32', origin: 'vec2<i32>' });
    expect(s.wgsl).toContain('struct Grid {\n  q_len: u32,\n  origin: vec2<i32>,\n}');
  });

  it('writes each value at its offset, as its own type, and leaves padding zero', () => {
    const s = uniformStruct('Mixed', { a: 'u32', b: 'vec2<f32>', c: 'i32', d: 'vec4<u32>' });
    const bytes = s.pack({ a: 0xdeadbeef, b: [1.5, -2], c: -7, d: [1, 2, 3, 0xffffffff] });
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(0xdeadbeef);
    expect(view.getUint32(4, true)).toBe(0); // padding before the vec2
    expect(view.getFloat32(8, true)).toBe(1.5);
    expect(view.getFloat32(12, true)).toBe(-2);
    expect(view.getInt32(16, true)).toBe(-7);
    expect([20, 24, 28].map((at) => view.getUint32(at, true))).toEqual([0, 0, 0]);
    expect([32, 36, 40, 44].map((at) => view.getUint32(at, true))).toEqual([1, 2, 3, 0xffffffff]);
    expect(bytes.byteLength).toBe(48);
  });

  it('keeps f32 infinities and refuses integers a u32 or i32 cannot hold', () => {
    const s = uniformStruct('Checked', { u: 'u32', i: 'i32', f: 'f32' });
    const bytes = s.pack({ u: 0, i: 0, f: -Infinity });
    expect(new DataView(bytes.buffer).getFloat32(8, true)).toBe(-Infinity);
    expect(() => s.pack({ u: -1, i: 0, f: 0 })).toThrow(/Checked\.u is -1, which is not a u32/);
    expect(() => s.pack({ u: 2 ** 32, i: 0, f: 0 })).toThrow(/not a u32/);
    expect(() => s.pack({ u: 1.5, i: 0, f: 0 })).toThrow(/not a u32/);
    expect(() => s.pack({ u: 0, i: 2 ** 31, f: 0 })).toThrow(/Checked\.i .* not a i32/);
    expect(() => s.pack({ u: 0, i: 0, f: Number('x') })).not.toThrow();
  });

  it('refuses a vector with the wrong number of components and names that are not WGSL', () => {
    const s = uniformStruct('Vec', { v: 'vec3<u32>' });
    const short = { v: [1, 2] } as unknown as Parameters<typeof s.pack>[0];
    expect(() => s.pack(short)).toThrow(/Vec\.v needs 3 components/);
    expect(() => uniformStruct('Bad', { 'q-len': 'u32' })).toThrow(/not a WGSL identifier/);
    expect(() => uniformStruct('__Reserved', { a: 'u32' })).toThrow(/not a WGSL identifier/);
    expect(() => uniformStruct('Empty', {})).toThrow(/no fields/);
  });
});
