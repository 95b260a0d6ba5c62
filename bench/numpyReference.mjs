// The machine's reference point for `npm run bench`: NumPy's dense float32 attention on the same
// shapes and cores (bench/numpy_reference.py), beside flexmask's noop case, so the report says
// how far flexmask is from what this CPU does with a BLAS. Skipped, with a line saying so, when
// no python3 with NumPy is on the PATH.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'numpy_reference.py');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** NumPy's time for each distinct shape of the bench's noop cases, with flexmask's beside it. */
export function numpyReference(cases) {
  const probe = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  if (probe.status !== 0) return { skipped: 'python3 with NumPy was not found', rows: [] };
  const rows = [];
  for (const c of cases.filter((x) => x.mask === 'noop')) {
    const args = ['--B', c.B, '--H', c.H, '--S', c.S, '--D', c.D, '--DV', c.DV].map(String);
    const run = spawnSync('python3', [SCRIPT, ...args], { encoding: 'utf8' });
    if (run.status !== 0) {
      rows.push({ S: c.S, error: run.stderr.trim().split('\n').pop() ?? 'python3 failed' });
      continue;
    }
    const numpy = JSON.parse(run.stdout);
    const flexmask = c.engines.find((e) => e.engine === 'flexmask' && e.wallMs.length > 0);
    const flexmaskMs = flexmask ? median(flexmask.wallMs) : null;
    rows.push({
      S: c.S,
      numpyMs: numpy.medianMs,
      numpyGflops: numpy.flops / numpy.medianMs / 1e6,
      flexmaskGflops: flexmaskMs === null ? null : c.flops / flexmaskMs / 1e6,
      // Dense work over dense work: noop computes every element, as NumPy does.
      flexmaskOverNumpy: flexmaskMs === null ? null : flexmaskMs / numpy.medianMs,
      numpy: numpy.numpy,
    });
  }
  return { rows };
}

/** The section the bench prints after its table. */
export function numpyReferenceText(reference) {
  if (reference.skipped) return `NumPy reference: skipped (${reference.skipped}).`;
  const lines = [
    "NumPy's dense float32 attention on the same cores (the machine's reference point):",
    '| S | NumPy ms | NumPy GFLOP/s | flexmask noop GFLOP/s | t(flexmask) / t(NumPy) |',
    '|---|---|---|---|---|',
  ];
  const fixed = (x, digits) => (x === null || x === undefined ? '-' : x.toFixed(digits));
  for (const r of reference.rows) {
    lines.push(
      r.error
        ? `| ${r.S} | ${r.error} | | | |`
        : `| ${r.S} | ${fixed(r.numpyMs, 1)} | ${fixed(r.numpyGflops, 1)} | ${fixed(r.flexmaskGflops, 2)} | ${fixed(r.flexmaskOverNumpy, 1)} |`,
    );
  }
  return lines.join('\n');
}
