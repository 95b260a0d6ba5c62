import { describe, expect, test } from 'vitest';
import { compile } from '../../app/mask/compile';
import { MASKED_BIAS, additiveBias } from './bias';
import { maskSource } from './cases';

describe('additiveBias', () => {
  test('0 where the mask allows, MASKED_BIAS elsewhere, one head when the mask ignores h', () => {
    const S = 16;
    const program = compile(maskSource('causal', S, 2));
    const bias = additiveBias(program, 2, S, S);
    expect(bias.heads).toBe(1);
    expect(bias.values).toHaveLength(S * S);
    for (let q = 0; q < S; q++) {
      for (let kv = 0; kv < S; kv++) {
        expect(bias.values[q * S + kv]).toBe(q >= kv ? 0 : MASKED_BIAS);
      }
    }
  });

  test('a score_mod that reads h gives a bias per head, equal to score_mod(0)', () => {
    const S = 12;
    const H = 2;
    const program = compile(maskSource('alibi', S, H));
    const bias = additiveBias(program, H, S, S);
    expect(bias.heads).toBe(H);
    for (let h = 0; h < H; h++) {
      const slope = 2 ** ((-8 * (h + 1)) / H);
      for (let q = 0; q < S; q++) {
        for (let kv = 0; kv < S; kv++) {
          const want = q >= kv ? (kv - q) * slope : MASKED_BIAS;
          expect(bias.values[(h * S + q) * S + kv]).toBeCloseTo(want, 5);
        }
      }
    }
  });
});
