/**
 * Number literals: decimal, hexadecimal, octal and binary ints (exact, as bigints), floats and
 * imaginary literals, with underscores between digits and Python 3.11's errors for a malformed
 * one (leading zeros, a bad digit, a number running into a name). Numbers are read the same
 * wherever they stand (the program, an f-string field), so this is separate from the scanner
 * that decides where a token starts.
 */
import { failAlways, identifierEnd, isDigit, type Token } from './tokens';

/** Words a number may run into without a space (`1if x else 2`), as Python 3.11 allows. */
const WORDS_AFTER_NUMBER = new Set(['and', 'else', 'for', 'if', 'in', 'is', 'not', 'or']);

/** The number token that starts at `from` (a digit, or a `.` before one); `end` bounds the text. */
export function numberToken(source: string, from: number, end: number): Token {
  return new NumberReader(source, end).number(from);
}

class NumberReader {
  constructor(
    readonly source: string,
    readonly end: number,
  ) {}

  number(from: number): Token {
    const { source } = this;
    const prefix = source.slice(from, from + 2).toLowerCase();
    if (prefix === '0x' || prefix === '0o' || prefix === '0b') return this.radixInt(from, prefix);
    let j = this.digits(from, isDigit);
    let isFloat = false;
    if (source[j] === '.' && !source.startsWith('...', j)) {
      isFloat = true;
      j = this.digits(j + 1, isDigit);
    }
    const e = source[j];
    const sign = source[j + 1] === '+' || source[j + 1] === '-' ? 1 : 0;
    if ((e === 'e' || e === 'E') && isDigit(source[j + 1 + sign])) {
      isFloat = true;
      j = this.digits(j + 1 + sign, isDigit);
    }
    const text = source.slice(from, j);
    const clean = text.replace(/_/g, '');
    if (source[j] === 'j' || source[j] === 'J') {
      this.checkNumberEnd(from, j + 1, 'decimal');
      return {
        kind: 'imaginary',
        text: source.slice(from, j + 1),
        span: { start: from, end: j + 1 },
      };
    }
    this.checkNumberEnd(from, j, 'decimal');
    if (isFloat)
      return { kind: 'float', text, span: { start: from, end: j }, value: Number(clean) };
    if (clean.length > 1 && clean[0] === '0' && /[1-9]/.test(clean)) {
      failAlways(
        { start: from, end: j },
        'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers',
      );
    }
    return this.intToken(from, j, BigInt(clean));
  }

  private radixInt(from: number, prefix: string): Token {
    const { source } = this;
    const radix = prefix === '0x' ? 16 : prefix === '0o' ? 8 : 2;
    const name = radix === 16 ? 'hexadecimal' : radix === 8 ? 'octal' : 'binary';
    const digitOk = (ch: string | undefined): boolean =>
      ch !== undefined && /^[0-9a-fA-F]$/.test(ch) && parseInt(ch, 16) < radix;
    let j = from + 2;
    if (source[j] === '_') j += 1;
    const digitsStart = j;
    j = this.digits(j, digitOk);
    if (isDigit(source[j])) {
      failAlways({ start: j, end: j + 1 }, `invalid digit '${source[j]}' in ${name} literal`);
    }
    if (j === digitsStart) failAlways({ start: from, end: j + 1 }, `invalid ${name} literal`);
    this.checkNumberEnd(from, j, name);
    return this.intToken(
      from,
      j,
      BigInt(`0${prefix[1]}${source.slice(digitsStart, j).replace(/_/g, '')}`),
    );
  }

  private intToken(from: number, to: number, big: bigint): Token {
    return {
      kind: 'int',
      text: this.source.slice(from, to),
      span: { start: from, end: to },
      value: Number(big),
      big,
    };
  }

  /** Past the digits at `j`, with single underscores between digits. */
  private digits(j: number, ok: (ch: string | undefined) => boolean): number {
    const { source, end } = this;
    let k = j;
    while (k < end && (ok(source[k]) || (source[k] === '_' && ok(source[k + 1])))) k += 1;
    return k;
  }

  /** A number must not run into a name (`1x`, `1_`), except the few words Python allows. */
  private checkNumberEnd(from: number, j: number, name: string): void {
    const wordEnd = identifierEnd(this.source, j, this.end);
    if (wordEnd === j) return;
    if (WORDS_AFTER_NUMBER.has(this.source.slice(j, wordEnd))) return;
    failAlways({ start: from, end: j + 1 }, `invalid ${name} literal`);
  }
}
