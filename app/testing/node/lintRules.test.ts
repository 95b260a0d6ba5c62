/**
 * The import arrows of the README's layout, the wall between test code and the app, and the
 * no-evaluation promise are lint rules; this checks that a wrong arrow, an import of test code
 * or an evaluator really fails the lint, file by file.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => m.ruleId ?? 'parse-error');
}

const RESTRICTED = '@typescript-eslint/no-restricted-imports';

describe('import boundaries (the README’s layout)', () => {
  it.each([
    ['gpu/zz.ts', "import { useState } from 'react';\nexport const x = useState;\n"],
    [
      'gpu/zz.ts',
      "import { DEFAULT_CODE } from '../app/state/scenario';\nexport const x = DEFAULT_CODE;\n",
    ],
    ['components/Zz.tsx', "import { getGpu } from '../gpu/device';\nexport const x = getGpu;\n"],
    [
      'app/reference/zz.ts',
      "import { getGpu } from '../../gpu/device';\nexport const x = getGpu;\n",
    ],
    ['app/mask/zz.ts', "import { useState } from 'react';\nexport const x = useState;\n"],
    ['app/engine/zz.ts', "import { App } from '../../components/Zz';\nexport const x = App;\n"],
  ])('%s may not import this', async (file, code) => {
    expect(await ruleIds(file, code)).toContain(RESTRICTED);
  });

  it.each([
    [
      'gpu/zz.ts',
      "import type { Scenario } from '../app/state/scenario';\nexport type X = Scenario;\n",
    ],
    ['app/engine/zz.ts', "import { getGpu } from '../../gpu/device';\nexport const x = getGpu;\n"],
    [
      'components/Zz.tsx',
      "import { compile } from '../app/mask/compile';\nexport const x = compile;\n",
    ],
  ])('%s may import this', async (file, code) => {
    expect(await ruleIds(file, code)).not.toContain(RESTRICTED);
  });
});

const TEST_ONLY = 'no-restricted-imports';

describe('test code stays out of the production build', () => {
  it.each([
    [
      'app/engine/zz.ts',
      "import { relativeError } from '../../e2e/harness/compare';\nexport const x = relativeError;\n",
    ],
    [
      'components/Zz.tsx',
      "import { pythonWithNumpy } from '../app/testing/node/python';\nexport const x = pythonWithNumpy;\n",
    ],
    [
      'app/zz.ts',
      "import { runSelfTest } from '../gpu/selfTest';\nexport const x = runSelfTest;\n",
    ],
    [
      'gpu/zz.ts',
      "import { runMaskProbe } from './programProbe';\nexport const x = runMaskProbe;\n",
    ],
    ['gpu/zz.ts', "import shader from './boundsProbe.wgsl?raw';\nexport const x = shader;\n"],
  ])('%s may not import this', async (file, code) => {
    expect(await ruleIds(file, code)).toContain(TEST_ONLY);
  });

  it.each([
    [
      'app/mask/zz.test.ts',
      "import { pythonWithNumpy } from '../testing/node/python';\nexport const x = pythonWithNumpy;\n",
    ],
    [
      'e2e/harness/zz.ts',
      "import { runMaskProbe } from '../../gpu/programProbe';\nexport const x = runMaskProbe;\n",
    ],
    [
      'gpu/programProbe.ts',
      "import shader from './boundsProbe.wgsl?raw';\nexport const x = shader;\n",
    ],
    ['gpu/zz.ts', "import shader from './blockMask.wgsl?raw';\nexport const x = shader;\n"],
  ])('%s may import this', async (file, code) => {
    expect(await ruleIds(file, code)).not.toContain(TEST_ONLY);
  });
});

describe('no evaluation of text', () => {
  it.each([
    ['eval', 'export const x = (s: string) => eval(s);\n', 'no-eval'],
    ['new Function', 'export const x = (s: string) => new Function(s);\n', 'no-new-func'],
    [
      'innerHTML',
      'export const x = (e: HTMLElement, s: string) => {\n  e.innerHTML = s;\n};\n',
      'no-restricted-properties',
    ],
    [
      'dangerouslySetInnerHTML',
      'export const X = (p: { s: string }) => <div dangerouslySetInnerHTML={{ __html: p.s }} />;\n',
      'no-restricted-syntax',
    ],
  ])('%s is a lint error', async (_name, code, rule) => {
    expect(await ruleIds('components/Zz.tsx', code)).toContain(rule);
  });
});
