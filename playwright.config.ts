import { defineConfig } from '@playwright/test';
import { findChromium, NO_WEBGPU_FLAGS, WEBGPU_FLAGS } from './scripts/chromium.mjs';
import { engineChosen } from './e2e/engineStorage';

// scripts/run-e2e.mjs finds (or installs) Chromium and passes its path here in CHROMIUM_PATH.
const executablePath = findChromium({ install: false });
const PORT = Number(process.env.FLEXMASK_PORT ?? 4173);
// The test build (scripts/run-e2e.mjs): the production build plus the harness page, never dist/.
const OUT_DIR = process.env.FLEXMASK_OUT_DIR ?? 'dist-e2e';

const WEBGPU = { launchOptions: { executablePath, args: WEBGPU_FLAGS } };

// Page tests run the GPU engine unless a spec starts from FIRST_VISIT (e2e/engineStorage.ts).
const GPU_ENGINE_CHOSEN = engineChosen(`http://localhost:${PORT}`, 'gpu');

export default defineConfig({
  testDir: 'e2e',
  // SwiftShader is a CPU Vulkan: GPU tests are slow, and two cores run one browser well.
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.FLEXMASK_E2E_REPORT ?? '.test-results/e2e.json' }],
  ],
  outputDir: process.env.FLEXMASK_E2E_ARTIFACTS ?? 'test-results',
  use: {
    baseURL: `http://localhost:${PORT}/`,
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  webServer: {
    // The production build plus the harness page, served as users get the app: the CSP is in
    // force in every test.
    command: `npx vite preview --port ${PORT} --strictPort --outDir ${OUT_DIR}`,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
  projects: [
    {
      name: 'webgpu',
      testIgnore: /\.nogpu\.spec\.ts$/,
      use: { ...WEBGPU, storageState: GPU_ENGINE_CHOSEN },
    },
    {
      name: 'no-webgpu',
      testMatch: /\.nogpu\.spec\.ts$/,
      use: {
        launchOptions: { executablePath, args: NO_WEBGPU_FLAGS },
      },
    },
    // Tools that drive the page (e2e/*.tool.ts), run by hand: present only when asked for.
    ...(process.env.FLEXMASK_WRITE_GOLDEN
      ? [{ name: 'tools', testMatch: /\.tool\.ts$/, use: WEBGPU }]
      : []),
  ],
});
