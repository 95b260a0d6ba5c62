import { describe, expect, it } from 'vitest';
import { KernelBuildError, kernelBuildMessage } from './kernelBuildError';

const CODE = [
  'fn mask_mod() -> bool {',
  '  return fm_table_0[fm_table_0[fm_table_0[0]]];',
  '}',
].join('\n');

describe('kernelBuildMessage', () => {
  it("says it is flexmask's bug, not the user's, and quotes the line and the compiler", () => {
    const message = kernelBuildMessage(
      'blockMask.wgsl',
      [{ message: 'maximum parser recursive depth reached', lineNum: 2, linePos: 10 }],
      CODE,
    );
    expect(message).toMatch(/^flexmask could not build its GPU kernel blockMask\.wgsl/);
    expect(message).toContain('This is a bug in flexmask, not in your program');
    expect(message).toContain('at WGSL line 2 ("return fm_table_0[fm_table_0[fm_table_0[0]]];")');
    expect(message).toContain(': maximum parser recursive depth reached)');
  });

  it('quotes at most a short excerpt of a long compiler message and a long line', () => {
    const long = 'x'.repeat(100_000);
    const message = kernelBuildMessage(
      'flexAttention.wgsl',
      [{ message: long, lineNum: 1, linePos: 1 }],
      long,
    );
    expect(message.length).toBeLessThan(600);
    expect(message).toContain('…');
  });

  it('keeps every message in full on the error, for a bug report', () => {
    const error = new KernelBuildError(
      'headPicture.wgsl',
      [
        { message: 'first', lineNum: 1, linePos: 2 },
        { message: 'second', lineNum: 3, linePos: 4 },
      ],
      CODE,
    );
    expect(error.name).toBe('KernelBuildError');
    expect(error.details).toEqual(['headPicture.wgsl:1:2: first', 'headPicture.wgsl:3:4: second']);
    expect(error.message).not.toContain('second');
  });

  it('a pipeline failure without a line still reads as a bug', () => {
    const message = kernelBuildMessage('x.wgsl', [{ message: 'boom', lineNum: 0, linePos: 0 }], '');
    expect(message).toContain('bug in flexmask');
    expect(message).toContain('compiler said: boom)');
  });
});
