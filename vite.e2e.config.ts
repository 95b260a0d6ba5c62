import { defineConfig } from 'vite';
import app from './vite.config.ts';

/**
 * The second half of the browser tests' build. scripts/run-e2e.mjs first runs the production build
 * (vite.config.ts, exactly as `npm run build` does) into the test folder, then this config adds
 * harness.html beside it: the page through which the tests drive the engine (e2e/harness/, with
 * its probe kernels). It is the app's config with another input, so the same plugins inject
 * the same Content-Security-Policy into the harness page.
 *
 * The harness is bundled on its own, not as a second input of the app's build: a shared build
 * would split the app's code into chunks the harness can share, so the app the UI tests load
 * would not be the bytes users get. This way every file of `npm run build` is in the test folder
 * unchanged (testing/productionBuild.test.ts checks it) and the harness only adds files.
 */
export default defineConfig({
  ...app,
  build: {
    ...app.build,
    outDir: 'dist-e2e',
    // The production build is already in the folder; keep it.
    emptyOutDir: false,
    rollupOptions: { ...app.build?.rollupOptions, input: { harness: 'harness.html' } },
  },
});
