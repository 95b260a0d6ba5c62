// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * The import arrows of the README's layout table. Each entry forbids, for the files it names,
 * imports whose path matches one of the regexes. Paths are matched as written in the import,
 * relative or bare, so `../../gpu/device` and `gpu/device` are both caught.
 */
const REACT = { regex: '^(react|react-dom)(/.*)?$', message: 'This folder must not import React.' };
const GPU = {
  regex: '(^|/)gpu(/|$)',
  message: 'Only app/engine talks to the GPU layer; go through it.',
};
const COMPONENTS = {
  regex: '(^|/)components(/|$)',
  message: 'Engine-side code must not import UI components.',
};
const APP = {
  regex: '(^|/)app(/|$)',
  allowTypeImports: true,
  message: 'gpu/ imports nothing of app/ except types.',
};

/**
 * Test-only code, which the production build must never contain: the browser tests' harness
 * (e2e/), Node test support (app/testing/) and the probe kernels that only the harness runs.
 * Enforced with ESLint's own `no-restricted-imports`, beside the layout's arrows (the
 * typescript-eslint rule above), so that neither set of patterns overrides the other.
 */
const TEST_ONLY = [
  {
    regex: '(^|/)e2e(/|$)',
    message: 'The app never imports test code: e2e/ (and its harness) is built only for the tests.',
  },
  {
    regex: '(^|/)testing(/|$)',
    message: 'app/testing/ is Node-only test support: only *.test.ts files may import it.',
  },
  {
    regex: '(^|/)(programProbe|boundsProbe|selfTest)(\\.(ts|wgsl))?(\\?raw)?$',
    message:
      'The probe kernels are test-only: only the harness (e2e/harness/) imports them, so `npm run build` never contains them.',
  },
];

/** @param {string[]} files @param {object[]} patterns */
function restrict(files, patterns) {
  return {
    files,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
}

const PURE_APP = ['mask', 'tensors', 'reference', 'url', 'engine'].map((d) => `app/${d}/**`);

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-*',
      'test-results-*',
      'node_modules',
      'playwright-report',
      'test-results',
      'bench/node_modules',
      'bench/dist',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-script-url': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Never inject HTML; build DOM nodes or use React.',
        },
      ],
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Never inject HTML; build DOM nodes or use React.' },
        { property: 'outerHTML', message: 'Never inject HTML; build DOM nodes or use React.' },
      ],
    },
  },
  {
    files: ['**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    // Tests may assert with `!` where a missing value is itself a failure.
    files: ['**/*.test.ts', 'e2e/**', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Product code: what `npm run build` bundles. Tests and benches beside it are never bundled,
    // and the probe kernels are test code themselves.
    files: ['app/**', 'gpu/**', 'components/**'],
    ignores: [
      '**/*.test.ts',
      '**/*.test.tsx',
      '**/*.bench.ts',
      'app/testing/**',
      'gpu/programProbe.ts',
      'gpu/selfTest.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: TEST_ONLY }] },
  },
  restrict(['gpu/**'], [REACT, APP, COMPONENTS]),
  restrict(['components/**'], [GPU]),
  restrict(PURE_APP, [REACT, COMPONENTS]),
  restrict(['app/reference/**'], [REACT, COMPONENTS, GPU]),
  restrict(
    ['app/mask/**', 'app/tensors/**', 'app/url/**', 'app/state/**'],
    [REACT, COMPONENTS, GPU],
  ),
);
