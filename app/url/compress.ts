/**
 * deflate-raw with the platform's own CompressionStream / DecompressionStream (browsers and
 * Node 20 both have them), and an inflate that stops reading once the output passes a cap, so a
 * small link that unpacks to gigabytes (a zip bomb) costs no more than the cap.
 */

export async function deflateRaw(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export type InflateResult =
  { ok: true; bytes: Uint8Array } | { ok: false; reason: 'damaged' | 'too-large' };

export async function inflateRawCapped(
  compressed: Uint8Array<ArrayBuffer>,
  maxBytes: number,
): Promise<InflateResult> {
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  // A write fails exactly when the data is damaged, and then the reader below fails too and says
  // so; the write side's copy of that error is dropped here so it is not an unhandled rejection.
  writer
    .write(compressed)
    .then(() => writer.close())
    .catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        reader.cancel().catch(() => undefined);
        return { ok: false, reason: 'too-large' };
      }
      chunks.push(value);
    }
  } catch {
    // Expected for any damaged or truncated input: the decompressor rejects it.
    return { ok: false, reason: 'damaged' };
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}
