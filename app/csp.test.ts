import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../vite.config';

describe('the content security policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  it('allows scripts from the site only, and compiling WebAssembly', () => {
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  });
  it('never allows string evaluation or plugins', () => {
    // 'wasm-unsafe-eval' is the one exception: it allows WebAssembly, never eval of a string.
    expect(CONTENT_SECURITY_POLICY.replaceAll("'wasm-unsafe-eval'", '')).not.toContain(
      'unsafe-eval',
    );
    expect(directives.get('object-src')).toEqual(["'none'"]);
  });
});
