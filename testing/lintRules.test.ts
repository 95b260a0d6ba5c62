/**
 * The import arrows of the README's layout, the leaf modules' short lists of what they may
 * import, the wall between test code and the app, and the no-evaluation promise are lint rules;
 * this checks that a wrong arrow, an import a leaf may not make, an import of test code or an
 * evaluator really fails the lint, file by file, and that the imports allowed pass.
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
      "import { playground } from '../app/state/store';\nexport const x = playground;\n",
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
    ['gpu/zz.ts', "import type { Scenario } from '../app/problem';\nexport type X = Scenario;\n"],
    ['app/engine/zz.ts', "import { getGpu } from '../../gpu/device';\nexport const x = getGpu;\n"],
    [
      'components/Zz.tsx',
      "import { compile } from '../app/mask/compile';\nexport const x = compile;\n",
    ],
  ])('%s may import this', async (file, code) => {
    expect(await ruleIds(file, code)).not.toContain(RESTRICTED);
  });
});

/** `import type { name } from 'source'`, used, so the snippet is otherwise clean. */
function typeImport(name: string, source: string): string {
  return `import type { ${name} } from '${source}';\nexport type X = ${name};\n`;
}

/** `import { name } from 'source'`, used. */
function valueImport(name: string, source: string): string {
  return `import { ${name} } from '${source}';\nexport const x = ${name};\n`;
}

describe('the leaf modules import only what the README names', () => {
  it.each([
    // gpu/: gpu/ itself, types from app/problem and app/mask/types, and app/async; nothing else.
    ['gpu/zz.ts', typeImport('RunResult', '../app/engine/types')],
    ['gpu/zz.ts', typeImport('PlaygroundState', '../app/state/store')],
    ['gpu/zz.ts', valueImport('SHAPE_FIELDS', '../app/problem')],
    ['gpu/zz.ts', valueImport('PROGRAM_BIND_GROUP', '../app/mask/types')],
    ['gpu/zz.ts', valueImport('flexAttention', '../app/reference')],
    ['gpu/zz.ts', valueImport('select', 'd3')],
    // `./` and then out: only plain `./x` paths count as the folder's own.
    ['gpu/zz.ts', typeImport('RunResult', './../app/engine/types')],
    // cpu/: cpu/ itself, and types from app/problem; nothing else of app/, no values from it.
    ['cpu/zz.ts', valueImport('SHAPE_FIELDS', '../app/problem')],
    ['cpu/zz.ts', typeImport('CompiledProgram', '../app/mask/types')],
    ['cpu/zz.ts', valueImport('flexAttention', '../app/reference')],
    ['cpu/zz.ts', valueImport('getGpu', '../gpu/device')],
    // app/reference/: itself, app/problem, and types from app/mask/types.
    ['app/reference/zz.ts', typeImport('RunResult', '../engine/types')],
    ['app/reference/zz.ts', valueImport('compile', '../mask/compile')],
    ['app/reference/zz.ts', valueImport('PROGRAM_BIND_GROUP', '../mask/types')],
    ['app/reference/zz.ts', valueImport('createRandom', '../tensors/random')],
    ['app/reference/zz.ts', typeImport('GpuAttention', '../../gpu/flexAttention')],
    ['app/reference/zz.ts', valueImport('select', 'd3')],
    // app/problem/: nothing outside itself.
    ['app/problem/zz.ts', typeImport('CompiledProgram', '../mask/types')],
    ['app/problem/zz.ts', valueImport('createRandom', '../tensors/random')],
    ['app/problem/zz.ts', typeImport('GpuBlockMask', '../../gpu/blockMask')],
    ['app/problem/zz.ts', valueImport('create', 'zustand')],
    // app/async/: nothing outside itself.
    ['app/async/zz.ts', valueImport('DEFAULT_SCENARIO', '../problem')],
    // app/teaching/ keeps the app's arrows: no React, no components, no GPU.
    ['app/teaching/zz.ts', valueImport('useState', 'react')],
    ['app/teaching/zz.ts', valueImport('getGpu', '../../gpu/device')],
  ])('%s may not import this: %s', async (file, code) => {
    expect(await ruleIds(file, code)).toContain(RESTRICTED);
  });

  it.each([
    ['gpu/zz.ts', typeImport('AttentionShape', '../app/problem')],
    ['gpu/zz.ts', typeImport('AttentionShape', '../app/problem/shape')],
    ['gpu/zz.ts', typeImport('CompiledProgram', '../app/mask/types')],
    ['gpu/zz.ts', valueImport('uniformStruct', './uniformStruct')],
    ['gpu/zz.ts', valueImport('yieldToPage', '../app/async/yieldToPage')],
    ['gpu/zz.ts', "import shader from './blockMask.wgsl?raw';\nexport const x = shader;\n"],
    ['cpu/zz.ts', typeImport('AttentionShape', '../app/problem')],
    ['cpu/zz.ts', valueImport('writeModule', './wasm/moduleWriter')],
    ['app/reference/zz.ts', typeImport('AttentionShape', '../problem')],
    ['app/reference/zz.ts', valueImport('DEFAULT_SCENARIO', '../problem')],
    ['app/reference/zz.ts', typeImport('CompiledProgram', '../mask/types')],
    ['app/reference/zz.ts', valueImport('blockRow', './attention')],
    ['app/problem/zz.ts', valueImport('SHAPE_KEYS', './shape')],
    ['app/async/zz.ts', valueImport('abortError', './abort')],
    ['app/teaching/zz.ts', valueImport('explainCell', '../reference/explainCell')],
    // Tests beside a leaf check it against the rest of the app.
    ['app/reference/zz.test.ts', valueImport('compile', '../mask/compile')],
  ])('%s may import this: %s', async (file, code) => {
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
      "import { pythonWithNumpy } from '../testing/cpython';\nexport const x = pythonWithNumpy;\n",
    ],
    [
      'app/mask/zz.ts',
      "import { randomProgram } from '../../testing/randomProgram';\nexport const x = randomProgram;\n",
    ],
    ['app/url/zz.ts', "import fc from 'fast-check';\nexport const x = fc;\n"],
    // The probe kernels are the harness's own (e2e/harness/kernels/).
    [
      'app/zz.ts',
      "import { runSelfTest } from '../e2e/harness/kernels/selfTest';\nexport const x = runSelfTest;\n",
    ],
    [
      'gpu/zz.ts',
      "import shader from '../e2e/harness/kernels/boundsProbe.wgsl?raw';\nexport const x = shader;\n",
    ],
  ])('%s may not import this', async (file, code) => {
    expect(await ruleIds(file, code)).toContain(TEST_ONLY);
  });

  it.each([
    [
      'app/mask/zz.test.ts',
      "import { pythonWithNumpy } from '../../testing/cpython';\nexport const x = pythonWithNumpy;\n",
    ],
    ['app/url/zz.test.ts', "import fc from 'fast-check';\nexport const x = fc;\n"],
    [
      'e2e/harness/zz.ts',
      "import { runMaskProbe } from './kernels/programProbe';\nexport const x = runMaskProbe;\n",
    ],
    [
      'e2e/harness/kernels/programProbe.ts',
      "import { BufferSet } from '../../../gpu/resources';\nexport const x = BufferSet;\n",
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
