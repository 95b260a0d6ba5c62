import { defineConfig } from 'vitest/config';

// The bench's own unit tests: `npx vitest run --config bench/vitest.config.ts` (after the bench's
// `npm install --prefix bench`, since the ONNX test runs onnxruntime-web's CPU build in Node).
export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
