// `npm run bench:latency`: in the real page (production build, Chromium with WebGPU), the time
// from a parameter change to the new picture, at S = 256 and S = 2048. The parameter is changed
// through its number field, as a user would; the clock stops when the run that follows is done
// and the next frame is painted. Includes the editor's 150 ms debounce. Prints medians.
import {
  readFinishedRuns,
  recordFinishedRuns,
  runsFinishedAfter,
} from '../testing/finishedRuns.mjs';
import { openBuiltApp } from './builtApp.mjs';

const PORT = 4187;
const REPEATS = 5;

const code = [
  'WINDOW = 64',
  '',
  'def mask_mod(b, h, q_idx, kv_idx):',
  '    return (q_idx >= kv_idx) & (q_idx - kv_idx <= WINDOW)',
  '',
].join('\n');

function link(S) {
  const query = `v=1&code=${encodeURIComponent(code)}&H=4&HKV=4&Q=${S}&KV=${S}&D=64&DV=64`;
  return `${app.baseURL}#${query}`;
}

const app = await openBuiltApp({ outDir: 'dist-latency', port: PORT });
const { browser } = app;
try {
  for (const S of [256, 2048]) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(recordFinishedRuns);
    await page.goto(link(S));
    const status = page.getByTestId('run-status');
    await status.and(page.locator('[data-state="done"]')).waitFor({ timeout: 300_000 });
    const field = page.getByLabel('WINDOW value');
    const times = [];
    for (let i = 0; i < REPEATS; i++) {
      const runs = (await page.evaluate(readFinishedRuns)).finished.length;
      const start = Date.now();
      await field.fill(String(60 + i));
      const finished = await page.waitForFunction(runsFinishedAfter, runs, { timeout: 300_000 });
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(0))));
      times.push(Date.now() - start);
      const states = await finished.jsonValue();
      if (states?.at(-1) !== 'done') throw new Error(`S=${S}: the run ended in ${states?.at(-1)}`);
    }
    times.sort((a, b) => a - b);
    const adapter = await page.getByTestId('adapter').textContent();
    console.log(
      `S=${S} (H=4, D=64, sliding window): parameter change -> new picture, median ${times[Math.floor(REPEATS / 2)]} ms ` +
        `(runs: ${times.join(', ')} ms) on ${adapter?.trim()}`,
    );
    await page.close();
  }
} finally {
  await app.close();
}
