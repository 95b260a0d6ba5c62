/**
 * deflate-raw with the platform's own CompressionStream / DecompressionStream (browsers and
 * Node 20 both have them), and an inflate that stops once the output passes a cap, so a small
 * link that unpacks to gigabytes (a zip bomb) costs no more than the cap.
 *
 * Why slices: Chromium's DecompressionStream inflates a written chunk all at once, queueing every
 * output chunk before the reader sees the first (Node's inflates lazily, which hides this). One
 * write of a 786 KB bomb therefore unpacks to 810 MB before any cap can be checked. Deflate
 * expands at most about 1032 to 1, so writing INFLATE_SLICE_BYTES at a time, and only after the
 * reader has drained the previous slice's output, bounds the memory to one slice's expansion
 * (about 4 MiB) beyond the cap.
 */

export async function deflateRaw(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export type InflateResult =
  { ok: true; bytes: Uint8Array } | { ok: false; reason: 'damaged' | 'too-large' };

/** Compressed bytes written to the decompressor at a time (see the module comment). */
export const INFLATE_SLICE_BYTES = 4096;

/** Makes the decompressor; tests pass one that counts what it is fed. */
export type MakeDecompressor = () => ReadableWritablePair<Uint8Array, Uint8Array<ArrayBuffer>>;

const platformInflater: MakeDecompressor = () => new DecompressionStream('deflate-raw');

export async function inflateRawCapped(
  compressed: Uint8Array<ArrayBuffer>,
  maxBytes: number,
  makeDecompressor: MakeDecompressor = platformInflater,
  sliceBytes: number = INFLATE_SLICE_BYTES,
): Promise<InflateResult> {
  const stream = makeDecompressor();
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let stopped = false;
  // The writer feeds one slice at a time; each write resolves only once the decompressor has
  // taken it, which it does only when the reader below pulls. A write fails exactly when the
  // data is damaged or the reader gave up; the reader reports both, so the writer's copy of the
  // error is dropped here rather than left as an unhandled rejection.
  const feeding = (async () => {
    for (let at = 0; at < compressed.byteLength && !stopped; at += sliceBytes) {
      await writer.ready;
      await writer.write(compressed.subarray(at, Math.min(at + sliceBytes, compressed.byteLength)));
    }
    if (!stopped) await writer.close();
  })().catch(() => undefined);

  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        stopped = true;
        chunks.length = 0;
        await reader.cancel().catch(() => undefined);
        await writer.abort().catch(() => undefined);
        return { ok: false, reason: 'too-large' };
      }
      chunks.push(value);
    }
  } catch {
    // Expected for any damaged or truncated input: the decompressor rejects it.
    stopped = true;
    await writer.abort().catch(() => undefined);
    return { ok: false, reason: 'damaged' };
  } finally {
    await feeding;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}
