import { describe, expect, it } from 'vitest';
import {
  deflateRaw,
  INFLATE_SLICE_BYTES,
  inflateRawCapped,
  type MakeDecompressor,
} from './compress';

/**
 * A decompressor that behaves as Chromium's does: each written chunk is inflated whole before the
 * reader sees any of it. It records the most output one write produced, and the input it took.
 * (Node's own DecompressionStream accepts input ahead of its reader, so it cannot show this.)
 */
function eagerInflater(): {
  make: MakeDecompressor;
  largestWriteOutput: () => number;
  fed: () => number;
} {
  let largest = 0;
  let fed = 0;
  const make: MakeDecompressor = () => {
    const inner = new DecompressionStream('deflate-raw');
    const innerWriter = inner.writable.getWriter();
    const innerReader = inner.readable.getReader();
    const eager = new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
      async transform(chunk, controller) {
        fed += chunk.byteLength;
        // Feed the chunk, then drain until the inner stream asks for more input.
        const written = innerWriter.write(chunk);
        let produced = 0;
        for (;;) {
          const next = await Promise.race([
            innerReader.read(),
            written.then(() => new Promise<null>((resolve) => setTimeout(() => resolve(null), 5))),
          ]);
          if (next === null || next.done) break;
          produced += next.value.byteLength;
          controller.enqueue(next.value);
        }
        largest = Math.max(largest, produced);
      },
    });
    return eager;
  };
  return { make, largestWriteOutput: () => largest, fed: () => fed };
}

const bomb = async (megabytes: number) =>
  new Uint8Array(await deflateRaw(`v=1&code=${'a'.repeat(megabytes << 20)}`));

describe('inflateRawCapped', () => {
  it('round-trips text under the cap', async () => {
    const text = 'mask = causal\n'.repeat(5000);
    const packed = new Uint8Array(await deflateRaw(text));
    const result = await inflateRawCapped(packed, 1 << 20);
    expect(result.ok && new TextDecoder().decode(result.bytes)).toBe(text);
  });

  it('feeds slices and stops within a few once past the cap, even against an eager inflater', async () => {
    const packed = await bomb(64);
    expect(packed.byteLength).toBeGreaterThan(8 * INFLATE_SLICE_BYTES);
    const { make, largestWriteOutput, fed } = eagerInflater();
    const result = await inflateRawCapped(packed, 1 << 20, make);
    expect(result).toEqual({ ok: false, reason: 'too-large' });
    // Deflate expands at most ~1032:1, so one slice unpacks to ~4 MiB at most, not 64 MiB.
    expect(largestWriteOutput()).toBeLessThanOrEqual(1032 * INFLATE_SLICE_BYTES + 65536);
    // 1 MiB of output needs about 1 KB of this input: the first slice or two.
    expect(fed()).toBeLessThanOrEqual(2 * INFLATE_SLICE_BYTES);
  }, 20_000);

  it('says damaged for truncated or junk input, whatever the slice size', async () => {
    const packed = new Uint8Array(await deflateRaw('x = 1\n'.repeat(20000)));
    for (const slice of [1, 7, 4096]) {
      const cut = await inflateRawCapped(
        packed.slice(0, packed.length - 5),
        1 << 20,
        undefined,
        slice,
      );
      expect(cut, `slice ${slice}`).toEqual({ ok: false, reason: 'damaged' });
      const whole = await inflateRawCapped(packed, 1 << 20, undefined, slice);
      expect(whole.ok, `slice ${slice}`).toBe(true);
    }
    const junk = await inflateRawCapped(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 1 << 20);
    expect(junk).toEqual({ ok: false, reason: 'damaged' });
  });
});
