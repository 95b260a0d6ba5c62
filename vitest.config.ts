import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['app/**/*.test.ts', 'gpu/**/*.test.ts', 'components/**/*.test.ts'],
    environment: 'node',
  },
});
