import { describe, expect, it } from 'vitest';
import { bracketDepth } from './bracketDepth';

describe('bracket depth', () => {
  it('is the most brackets of any kind open at once', () => {
    expect(bracketDepth('')).toBe(0);
    expect(bracketDepth('x = 1')).toBe(0);
    expect(bracketDepth('f(a[0], {1: (2)})')).toBe(3);
    expect(bracketDepth('(()) (((x)))')).toBe(3);
  });

  it('counts a deep hostile text, and a stray closer does not go below zero', () => {
    expect(bracketDepth(`${'('.repeat(30_000)}x${')'.repeat(30_000)}`)).toBe(30_000);
    expect(bracketDepth(')))(((')).toBe(3);
  });
});
