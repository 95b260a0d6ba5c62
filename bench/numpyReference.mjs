// The machine's reference point for `npm run bench`: NumPy's dense float32 attention on the same
// shapes and cores (bench/numpy_reference.py), beside flexmask's noop case on the GPU and on its
// CPU engine, so the report says how far flexmask is from what this CPU does with a BLAS. The
// CPU engine is meant to come within CPU_WITHIN_NUMPY times of NumPy's time; that is printed as
// information, not judged. Skipped, with a line saying so, when no python3 with NumPy is on the
// PATH.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'numpy_reference.py');
/** The statement: the CPU engine within this factor of NumPy's dense attention. */
const CPU_WITHIN_NUMPY = 5;

/** The same median as the page's table (bench/src/stats.ts), so the two GFLOP/s figures match. */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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
    const wallOf = (engine) => {
      const result = c.engines.find((e) => e.engine === engine && !e.error && e.wallMs.length > 0);
      return result ? median(result.wallMs) : null;
    };
    const flexmaskMs = wallOf('flexmask');
    const cpuMs = wallOf('flexmask-cpu');
    // Dense work over dense work: noop computes every element, as NumPy does.
    const rate = (ms) => (ms === null ? null : c.flops / ms / 1e6);
    const overNumpy = (ms) => (ms === null ? null : ms / numpy.medianMs);
    rows.push({
      S: c.S,
      numpyMs: numpy.medianMs,
      numpyGflops: numpy.flops / numpy.medianMs / 1e6,
      flexmaskGflops: rate(flexmaskMs),
      flexmaskOverNumpy: overNumpy(flexmaskMs),
      cpuGflops: rate(cpuMs),
      cpuOverNumpy: overNumpy(cpuMs),
      numpy: numpy.numpy,
    });
  }
  return { rows };
}

/** The section the bench prints after its table. */
export function numpyReferenceText(reference) {
  if (reference.skipped) return `NumPy reference: skipped (${reference.skipped}).`;
  const lines = [
    "NumPy's dense float32 attention on the same cores (the machine's reference point; " +
      `the CPU engine is meant to come within ${CPU_WITHIN_NUMPY}x of NumPy's time: information, not a target):`,
    '| S | NumPy ms | NumPy GFLOP/s | flexmask GPU noop GFLOP/s | t(GPU) / t(NumPy) | ' +
      `flexmask CPU noop GFLOP/s | t(CPU) / t(NumPy) | CPU within ${CPU_WITHIN_NUMPY}x |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  const fixed = (x, digits) => (x === null || x === undefined ? '-' : x.toFixed(digits));
  const within = (x) =>
    x === null || x === undefined ? '-' : x <= CPU_WITHIN_NUMPY ? 'yes' : 'no';
  for (const r of reference.rows) {
    lines.push(
      r.error
        ? `| ${r.S} | ${r.error} | | | | | | |`
        : `| ${r.S} | ${fixed(r.numpyMs, 1)} | ${fixed(r.numpyGflops, 1)} | ` +
            `${fixed(r.flexmaskGflops, 2)} | ${fixed(r.flexmaskOverNumpy, 1)} | ` +
            `${fixed(r.cpuGflops, 2)} | ${fixed(r.cpuOverNumpy, 1)} | ${within(r.cpuOverNumpy)} |`,
    );
  }
  return lines.join('\n');
}
