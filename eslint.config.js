// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * The import arrows of DESIGN.md's layout table. Each entry forbids, for the files it names,
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
  restrict(['gpu/**'], [REACT, APP, COMPONENTS]),
  restrict(['components/**'], [GPU]),
  restrict(PURE_APP, [REACT, COMPONENTS]),
  restrict(['app/reference/**'], [REACT, COMPONENTS, GPU]),
  restrict(
    ['app/mask/**', 'app/tensors/**', 'app/url/**', 'app/state/**'],
    [REACT, COMPONENTS, GPU],
  ),
);
