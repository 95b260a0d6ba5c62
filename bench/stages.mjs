// `npm run bench:stages`: GPU time per engine stage (BlockMask, attention, picture; timestamp
// queries, median of 3 runs after a warm-up) and the float64 CPU reference's time for the same
// scenarios: S = 1024 and 2048, B = 1, H = 4, D = 64, blocks of 128; noop, causal and a sliding
// window of 256. Drives the test harness page of the production build.
import { openBuiltApp } from './builtApp.mjs';

const PORT = 4186;

const MASKS = {
  noop: 'mask_mod = noop_mask\n',
  causal: 'def mask_mod(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n',
  'sliding window 256':
    'WINDOW = 256\n\ndef mask_mod(b, h, q_idx, kv_idx):\n    return (q_idx >= kv_idx) & (q_idx - kv_idx <= WINDOW)\n',
};

const app = await openBuiltApp({ outDir: 'dist-stages', port: PORT });
const { browser } = app;
try {
  const page = await browser.newPage();
  await page.goto(`${app.baseURL}harness.html`);
  await page.locator('body[data-ready="true"]').waitFor();
  const ms = (x) => (x === undefined ? '-' : x.toFixed(1));
  console.log(
    '| S | mask | GPU BlockMask ms | GPU attention ms | GPU picture ms | CPU reference ms (BlockMask + attention + picture) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const S of [1024, 2048]) {
    for (const [name, source] of Object.entries(MASKS)) {
      const shape = { B: 1, H: 4, HKV: 4, Q: S, KV: S, D: 64, DV: 64, blockQ: 128, blockKV: 128 };
      const r = await page.evaluate(
        ({ source, shape }) => window.flexmaskHarness.timeStages(source, shape, 3, true),
        { source, shape },
      );
      const ref = r.referenceMs;
      const total = ref ? ref.blockMask + ref.attention + ref.picture : undefined;
      console.log(
        `| ${S} | ${name} | ${ms(r.gpu.blockMask)} | ${ms(r.gpu.attention)} | ${ms(r.gpu.picture)} | ` +
          `${ms(total)} (${ms(ref?.blockMask)} + ${ms(ref?.attention)} + ${ms(ref?.picture)}) |`,
      );
    }
  }
} finally {
  await app.close();
}
