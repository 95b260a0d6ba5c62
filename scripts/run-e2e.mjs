// Builds the browser tests' bundle, then runs the Playwright suite against it with a Chromium
// found on this machine. `node scripts/run-e2e.mjs --build-only` (`npm run build:e2e`) stops
// after the build. Other arguments go to Playwright.
//
// The bundle is two Vite builds into one folder (FLEXMASK_OUT_DIR, default dist-e2e; several runs
// on one machine build and serve side by side): the production build, exactly as `npm run build`
// makes it (vite.config.ts), then the test harness beside it (vite.e2e.config.ts: harness.html,
// e2e/harness/, the probe kernels), which adds files and changes none. So the UI tests load the
// bytes users get, and `dist/` never holds test code.
import { spawnSync } from 'node:child_process';
import { findChromium } from './chromium.mjs';

const args = process.argv.slice(2);
const buildOnly = args.includes('--build-only');
const outDir = process.env.FLEXMASK_OUT_DIR ?? 'dist-e2e';

let chromium;
if (!buildOnly) {
  try {
    chromium = findChromium();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
const env = chromium ? { ...process.env, CHROMIUM_PATH: chromium } : process.env;

/** Runs `vite build` with the given arguments; exits on failure. */
function viteBuild(extra) {
  const run = spawnSync('npx', ['vite', 'build', '--outDir', outDir, ...extra], {
    stdio: 'inherit',
    env,
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

// The type check is its own step of `npm test`; these build the bundle only.
viteBuild(['--emptyOutDir']);
viteBuild(['--config', 'vite.e2e.config.ts']);
if (buildOnly) process.exit(0);

const result = spawnSync(
  'npx',
  ['playwright', 'test', ...args.filter((a) => a !== '--build-only')],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
