import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // testing/ holds the test support and the repo-wide tests (lint rules, the production build).
    include: [
      'app/**/*.test.ts',
      'gpu/**/*.test.ts',
      'cpu/**/*.test.ts',
      'components/**/*.test.ts',
      'testing/**/*.test.ts',
    ],
    environment: 'node',
  },
});
