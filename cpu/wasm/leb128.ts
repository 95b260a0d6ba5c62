/**
 * LEB128, the variable-length integer encoding of the WebAssembly binary format: seven bits per
 * byte, low bits first, the high bit set on every byte but the last. Unsigned for indices,
 * counts, sizes and opcodes after a prefix; signed for the immediates of `i32.const`.
 */

/** An unsigned 32-bit integer (0 .. 2^32 - 1) as unsigned LEB128. */
export function unsignedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new RangeError(`unsignedLeb128: ${value} is not a 32-bit unsigned integer`);
  }
  const bytes: number[] = [];
  let rest = value;
  for (;;) {
    // Division, not >>>, so values at and above 2^31 stay exact.
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest === 0) {
      bytes.push(low);
      return bytes;
    }
    bytes.push(low | 0x80);
  }
}

/** A signed 32-bit integer (-2^31 .. 2^31 - 1) as signed LEB128. */
export function signedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) {
    throw new RangeError(`signedLeb128: ${value} is not a 32-bit signed integer`);
  }
  const bytes: number[] = [];
  let rest = value;
  for (;;) {
    const low = rest & 0x7f;
    rest >>= 7; // arithmetic shift keeps the sign
    // Done when the remaining bits are all copies of the sign bit just written (bit 6).
    const signBitSet = (low & 0x40) !== 0;
    if ((rest === 0 && !signBitSet) || (rest === -1 && signBitSet)) {
      bytes.push(low);
      return bytes;
    }
    bytes.push(low | 0x80);
  }
}

/** A float32 as its four little-endian bytes (the immediate of `f32.const`). */
export function float32Bytes(value: number): number[] {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  return [view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3)];
}
