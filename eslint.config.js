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
 * The leaf modules: each may import only the folders named, as relative paths from a file in the
 * folder itself (`./x` for its own files; a subfolder's `../` is refused, so keep them flat). Each
 * regex matches every path except the allowed ones, so `../app/engine/types`, `../../gpu/x` and
 * any package are caught.
 *
 * Type-only imports from a path that a pattern with `allowTypeImports` matches are exempt from
 * every pattern of the rule (typescript-eslint checks them once, before the patterns), so the
 * leaves' type allowances name exactly the allowed paths: APP's whole-of-app/ allowance would let
 * `import type` from anywhere in app/ through.
 */
const OWN_FOLDER = String.raw`\./(?!.*\.\./).*`;
const GPU_LEAF = {
  regex: String.raw`^(?!(${OWN_FOLDER}|\.\./app/problem(/[\w.-]+)?|\.\./app/mask/types|\.\./app/async/[\w.-]+)$)`,
  message:
    'gpu/ imports only gpu/ itself, types from app/problem (the problem) and app/mask/types (the compiled program), and the app/async leaf.',
};
const GPU_APP_TYPES = {
  regex: String.raw`^\.\./app/(problem(/[\w.-]+)?|mask/types)$`,
  allowTypeImports: true,
  message: APP.message,
};
const CPU_LEAF = {
  regex: String.raw`^(?!(${OWN_FOLDER}|\.\./app/problem(/[\w.-]+)?)$)`,
  message: 'cpu/ imports only cpu/ itself, and types from app/problem (the problem).',
};
const CPU_APP_TYPES = {
  regex: String.raw`^\.\./app/problem(/[\w.-]+)?$`,
  allowTypeImports: true,
  message: 'cpu/ imports nothing of app/ except types from app/problem.',
};
const REFERENCE_LEAF = {
  regex: String.raw`^(?!(${OWN_FOLDER}|\.\./problem(/[\w.-]+)?|\.\./mask/types)$)`,
  message:
    'app/reference imports only app/reference itself, app/problem, and types from app/mask/types.',
};
const REFERENCE_MASK_TYPES = {
  regex: String.raw`^\.\./mask/types$`,
  allowTypeImports: true,
  message: 'app/reference takes only types from app/mask/types.',
};
const PROBLEM_LEAF = {
  regex: String.raw`^(?!${OWN_FOLDER}$)`,
  message: 'app/problem is the leaf module: it imports nothing outside itself.',
};
const ASYNC_LEAF = {
  regex: String.raw`^(?!${OWN_FOLDER}$)`,
  message: 'app/async (cancellation) is a leaf: it imports nothing outside itself.',
};

/**
 * Test-only code, which the production build must never contain: the browser tests and their
 * harness (e2e/, which also holds the probe kernels), test support (testing/) and the property
 * tests' generator library (fast-check, a dev dependency).
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
    message: 'The app never imports test code: testing/ is test support, for tests only.',
  },
  {
    regex: '^fast-check(/.*)?$',
    message: 'fast-check is a dev dependency for property tests; the app never imports it.',
  },
];

/** Tests beside the code they test. */
const TESTS = ['**/*.test.ts', '**/*.test.tsx'];

/** @param {string[]} files @param {object[]} patterns @param {string[]} [ignores] */
function restrict(files, patterns, ignores = []) {
  return {
    files,
    ignores,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
}

const PURE_APP = ['mask', 'tensors', 'reference', 'url', 'engine', 'teaching'].map(
  (d) => `app/${d}/**`,
);

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
    files: ['**/*.test.ts', 'testing/**', 'e2e/**', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Product code: what `npm run build` bundles. Tests and benches beside it are never bundled.
    files: ['app/**', 'gpu/**', 'cpu/**', 'components/**'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', '**/*.bench.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: TEST_ONLY }] },
  },
  restrict(['gpu/**'], [REACT, APP, COMPONENTS]),
  restrict(['components/**'], [GPU]),
  restrict(PURE_APP, [REACT, COMPONENTS]),
  restrict(['app/reference/**'], [REACT, COMPONENTS, GPU]),
  restrict(
    ['app/mask/**', 'app/tensors/**', 'app/url/**', 'app/state/**', 'app/teaching/**'],
    [REACT, COMPONENTS, GPU],
  ),
  // The leaves, beside the arrows above (a later entry replaces an earlier one's patterns for
  // the files both name, so each repeats the arrows). Their tests, which check them against the
  // rest of the app, are held to the arrows alone.
  restrict(['gpu/**'], [REACT, COMPONENTS, GPU_APP_TYPES, GPU_LEAF], TESTS),
  restrict(
    ['app/reference/**'],
    [REACT, COMPONENTS, GPU, REFERENCE_MASK_TYPES, REFERENCE_LEAF],
    TESTS,
  ),
  // cpu/ (the WebAssembly kernels) beside gpu/; its benches, like its tests, may import test data.
  restrict(
    ['cpu/**'],
    [REACT, COMPONENTS, GPU, CPU_APP_TYPES, CPU_LEAF],
    [...TESTS, '**/*.bench.ts'],
  ),
  restrict(['app/problem/**'], [PROBLEM_LEAF], TESTS),
  restrict(['app/async/**'], [ASYNC_LEAF], TESTS),
);
