/** base64url without padding (RFC 4648 section 5), the alphabet that needs no escaping in a URL. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Each character code's value in the alphabet, -1 for the rest: one array read per character. */
const VALUE_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE_OF[ALPHABET.charCodeAt(i)] = i;

export function bytesToBase64url(bytes: Uint8Array): string {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const triple = (a << 16) | (b << 8) | c;
    out.push(ALPHABET[(triple >> 18) & 63], ALPHABET[(triple >> 12) & 63]);
    if (i + 1 < bytes.length) out.push(ALPHABET[(triple >> 6) & 63]);
    if (i + 2 < bytes.length) out.push(ALPHABET[triple & 63]);
  }
  return out.join('');
}

/**
 * The bytes of a base64url text, or null when it is not one: a character outside the alphabet
 * (padding `=` included), or a length that no byte count encodes to (4n + 1).
 */
export function base64urlToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 === 1) return null;
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let n = 0;
  // charCodeAt, not for..of: a link's z= part is up to a million characters, read in one task.
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? VALUE_OF[code] : -1;
    if (value < 0) return null;
    acc = ((acc << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[n++] = (acc >> bits) & 0xff;
    }
  }
  return bytes;
}
