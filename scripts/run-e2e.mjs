// Runs the Playwright suite against the production build with a Chromium found on this machine.
import { spawnSync } from 'node:child_process';
import { findChromium } from './find-chromium.mjs';

let chromium;
try {
  chromium = findChromium();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const env = { ...process.env, CHROMIUM_PATH: chromium };
// The type check is its own step of `npm test`; this builds the bundle only.
// FLEXMASK_OUT_DIR lets several runs on one machine build and serve side by side.
const outDir = process.env.FLEXMASK_OUT_DIR ?? 'dist';
const bundle = spawnSync('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir'], {
  stdio: 'inherit',
  env,
});
if (bundle.status !== 0) process.exit(bundle.status ?? 1);
const result = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
