// The test build of the app (the production build plus the harness page, as the browser tests
// use it), served on 127.0.0.1 and opened in Chromium with WebGPU: what bench:latency and
// bench:stages measure in. Returns the browser, the base URL and a close().
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { findChromium, WEBGPU_FLAGS } from '../scripts/chromium.mjs';
import { serveStatic } from './serve.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function openBuiltApp({ outDir, port }) {
  const out = join(ROOT, outDir);
  const build = spawnSync('node', ['scripts/run-e2e.mjs', '--build-only'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, FLEXMASK_OUT_DIR: outDir },
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const server = await serveStatic(out, port);
  const browser = await chromium.launch({ executablePath: findChromium(), args: WEBGPU_FLAGS });
  return {
    browser,
    baseURL: `http://127.0.0.1:${port}/`,
    async close() {
      await browser.close();
      server.close();
    },
  };
}
