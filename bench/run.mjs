// `npm run bench`: flexmask's flex attention, on the GPU and on its CPU engine, against
// onnxruntime-web (WebGPU and WebAssembly) and TensorFlow.js, on the same inputs, in one Chromium
// page. Installs the bench's own dependencies (bench/package.json, never the root's), builds
// bench/ with Vite, serves it cross-origin isolated on 127.0.0.1:4188 (so ORT's WebAssembly
// backend may use threads), drives the page step by step, prints one table and writes it as JSON
// under bench/results/.
//
//   npm run bench                      every case (about 20 minutes on a software adapter)
//   npm run bench -- --quick           S = 512 and four masks, for fast iteration
//   npm run bench -- --only=flexmask   flexmask on the GPU alone (also --only=flexmask-cpu,ort-wasm
//                                      for the CPU engines; flexmask always runs where there is WebGPU)
//   npm run bench -- --no-gpu          the CPU engines alone (flexmask CPU, ORT wasm), as on a
//                                      page without WebGPU; with --only, those it names
//   npm run bench -- --runs=5          timed runs per engine and case (default 3, at least 3)
//   npm run bench -- --budget-min=28   stop starting peer runs after this many minutes
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { findChromium, WEBGPU_FLAGS } from '../scripts/chromium.mjs';
import { numpyReference, numpyReferenceText } from './numpyReference.mjs';
import { serveStatic } from './serve.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const DIST = join(BENCH, 'dist');
const PORT = 4188;
const ENGINES = ['flexmask', 'flexmask-cpu', 'ort', 'tfjs', 'ort-wasm'];
/** flexmask's own engines: never skipped for the time budget (the peers are). */
const OURS = ['flexmask', 'flexmask-cpu'];
/** One case (all its engines) may take this long before it is abandoned. */
const STEP_TIMEOUT_MS = 12 * 60_000;
/** Cheap cases get more timed runs, up to this many, while a phase has taken under EXTRA_RUNS_WITHIN_MS. */
const MAX_RUNS = 15;
const EXTRA_RUNS_WITHIN_MS = 3000;

function parseArgs(argv) {
  const options = {
    quick: false,
    engines: ENGINES,
    noGpu: false,
    runs: 3,
    budgetMin: 28,
    install: true,
  };
  for (const arg of argv) {
    const [name, value] = arg.split('=', 2);
    if (name === '--quick') options.quick = true;
    else if (name === '--no-gpu') options.noGpu = true;
    else if (name === '--no-install') options.install = false;
    else if (name === '--only' && value) {
      const wanted = value.split(',').map((s) => s.trim());
      const unknown = wanted.filter((e) => !ENGINES.includes(e));
      if (unknown.length > 0)
        fail(`--only: unknown engine ${unknown.join(', ')} (${ENGINES.join(', ')})`);
      // flexmask always runs: every ratio and every agreement check is against it (on the GPU;
      // with --no-gpu, flexmask CPU is the reference). The wasm peer's ratios are against
      // flexmask CPU, so naming it brings flexmask CPU along.
      const counterparts = wanted.includes('ort-wasm') ? ['flexmask-cpu'] : [];
      options.engines = ENGINES.filter(
        (e) => e === 'flexmask' || wanted.includes(e) || counterparts.includes(e),
      );
    } else if (name === '--runs' && value)
      options.runs = Math.max(3, Number.parseInt(value, 10) || 3);
    else if (name === '--budget-min' && value)
      options.budgetMin = Number(value) || options.budgetMin;
    else fail(`unknown option ${arg}`);
  }
  return options;
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function run(command, args, what) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) fail(`${what} failed (exit ${result.status ?? result.signal})`);
}

/** npm install --prefix bench, when bench/node_modules is missing or older than the manifest. */
function installDependencies() {
  const marker = join(BENCH, 'node_modules', '.package-lock.json');
  const manifest = ['package.json', 'package-lock.json']
    .map((f) => join(BENCH, f))
    .filter(existsSync);
  const stale =
    !existsSync(marker) || manifest.some((f) => statSync(f).mtimeMs > statSync(marker).mtimeMs);
  if (!stale) return;
  console.log('bench: installing the bench dependencies (npm install --prefix bench)...');
  run(
    'npm',
    ['install', '--prefix', BENCH, '--no-audit', '--no-fund'],
    'npm install --prefix bench',
  );
}

/**
 * ORT loads its WebAssembly at run time from ./ort/ beside the page: the glue (.mjs, also the
 * script of its thread workers) and the binaries of the installed package, served locally.
 */
function copyOrtWasm() {
  const from = join(BENCH, 'node_modules', 'onnxruntime-web', 'dist');
  const to = join(DIST, 'ort');
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from)) {
    if (/^ort-wasm-simd-threaded.*\.(wasm|mjs)$/.test(file))
      copyFileSync(join(from, file), join(to, file));
  }
}

/**
 * Which kernel was measured: the commit, whether gpu/ had uncommitted changes, and a hash of the
 * kernel sources themselves (the kernel changes often; the hash tells two runs apart even when
 * neither was committed). Read-only git queries; no git means nulls.
 */
function kernelIdentity() {
  const git = (args) => {
    const result = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    return result.status === 0 ? result.stdout.trim() : null;
  };
  const hash = createHash('sha256');
  for (const file of [
    'flexAttention.wgsl',
    'flexAttention.ts',
    'blockMask.wgsl',
    'blockMask.ts',
    'uniformStruct.ts',
  ]) {
    const path = join(ROOT, 'gpu', file);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  const status = git(['status', '--porcelain', '--', 'gpu']);
  return {
    commit: git(['rev-parse', '--short', 'HEAD']),
    gpuDirty: status === null ? null : status.length > 0,
    kernelSha256: hash.digest('hex').slice(0, 16),
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 60_000} minutes`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function describe(result) {
  if (result.error) return `not run: ${result.error.split('\n')[0]}`;
  const parts = [`wall ${median(result.wallMs).toFixed(1)} ms (${result.wallMs.length} runs)`];
  if (result.kernelMs) parts.push(`kernel ${median(result.kernelMs).toFixed(1)} ms`);
  if (result.blockMaskMs) parts.push(`BlockMask ${median(result.blockMaskMs).toFixed(2)} ms`);
  if (result.maxRelError !== undefined)
    parts.push(`max rel err ${result.maxRelError.toExponential(1)}`);
  if (result.threads !== undefined) parts.push(`${result.threads} threads, ${result.simd}`);
  return parts.join(', ');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const budgetMs = options.budgetMin * 60_000;
  if (options.install) installDependencies();
  const kernel = kernelIdentity();
  console.log(
    `bench: kernel at ${kernel.commit ?? 'unknown commit'}${kernel.gpuDirty ? ' (gpu/ modified)' : ''}, ` +
      `sources sha256 ${kernel.kernelSha256}`,
  );
  run('npx', ['vite', 'build', '--config', join(BENCH, 'vite.config.ts')], 'vite build (bench)');
  copyOrtWasm();

  const server = await serveStatic(DIST, PORT, { crossOriginIsolated: true });
  const browser = await chromium.launch({ executablePath: findChromium(), args: WEBGPU_FLAGS });
  const url = `http://127.0.0.1:${PORT}/index.html`;
  let page = null;
  const openPage = async () => {
    await page?.close().catch(() => undefined);
    page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`  [page error] ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') console.error(`  [page] ${message.text().slice(0, 300)}`);
    });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  };

  let exitCode = 0;
  try {
    await openPage();
    const adapter = await page.evaluate(() => window.flexmaskBench.adapter());
    const environment = await page.evaluate(() => window.flexmaskBench.environment());
    console.log(
      adapter
        ? `bench: adapter ${adapter.vendor} / ${adapter.architecture}` +
            `${adapter.isFallbackAdapter ? ' (fallback)' : ''}, timestamp-query ${adapter.timestampQuery}`
        : 'bench: no WebGPU in the page; only the CPU engines run',
    );
    console.log(
      `bench: page ${environment.crossOriginIsolated ? 'is' : 'is NOT'} cross-origin isolated, ` +
        `${environment.hardwareConcurrency} logical cores`,
    );
    const cases = await page.evaluate((plan) => window.flexmaskBench.plan(plan), {
      quick: options.quick,
      engines: options.engines,
      noGpu: options.noGpu,
    });
    console.log(`bench: ${cases.length} cases, ${options.runs} timed runs each after one warm-up`);

    const results = [];
    for (const benchCase of cases) {
      const caseStart = Date.now();
      const overBudget = Date.now() - started > budgetMs;
      const engines = benchCase.engines.filter((e) => OURS.includes(e) || !overBudget);
      const skipped = benchCase.engines
        .filter((e) => !OURS.includes(e) && overBudget)
        .map((engine) => ({
          engine,
          wallMs: [],
          error: `skipped: past the ${options.budgetMin}-minute budget`,
        }));
      let outcome;
      try {
        outcome = await withTimeout(
          page.evaluate((o) => window.flexmaskBench.runCase(o), {
            mask: benchCase.mask,
            S: benchCase.S,
            engines,
            minRuns: options.runs,
            maxRuns: Math.max(options.runs, MAX_RUNS),
            extraRunsWithinMs: EXTRA_RUNS_WITHIN_MS,
          }),
          STEP_TIMEOUT_MS,
          benchCase.id,
        );
      } catch (error) {
        exitCode = 1;
        const message = String(error.message ?? error).split('\n')[0];
        outcome = {
          summary: placeholderSummary(benchCase),
          engines: benchCase.engines.map((engine) => ({ engine, wallMs: [], error: message })),
        };
        await openPage();
      }
      const caseEngines = [...outcome.engines, ...skipped];
      // flexmask must run: on the GPU where the page has WebGPU, else on the CPU.
      const ours = adapter && !options.noGpu ? 'flexmask' : 'flexmask-cpu';
      if (caseEngines.some((e) => e.engine === ours && e.error)) exitCode = 1;
      for (const result of caseEngines) {
        console.log(`  ${benchCase.id.padEnd(20)} ${result.engine.padEnd(12)} ${describe(result)}`);
      }
      console.log(
        `  (${benchCase.id} took ${seconds(Date.now() - caseStart)}; ${seconds(Date.now() - started)} so far)`,
      );
      results.push({ id: benchCase.id, ...outcome.summary, engines: caseEngines });
    }

    const report = {
      createdAt: new Date().toISOString(),
      adapter,
      environment,
      kernel,
      userAgent: await page.evaluate(() => navigator.userAgent),
      runs: options.runs,
      quick: options.quick,
      cases: results,
    };
    const text = await page.evaluate((r) => window.flexmaskBench.reportText(r), report);
    const targets = await page.evaluate((r) => window.flexmaskBench.targets(r), report);
    console.log(`\n${text}\n`);
    // After the browser's cases, so NumPy's threads never share the cores with them.
    report.numpyReference = numpyReference(results);
    console.log(`${numpyReferenceText(report.numpyReference)}\n`);
    mkdirSync(join(BENCH, 'results'), { recursive: true });
    const stamp = report.createdAt.replace(/[:.]/g, '-');
    // A CPU-only run keeps its own "latest", so it never replaces the last run with the GPU.
    const kind = `${options.noGpu ? '-cpu' : ''}${options.quick ? '-quick' : ''}`;
    const name = `bench-${stamp}${kind}.json`;
    const json = `${JSON.stringify({ ...report, noGpu: options.noGpu, targets, table: text }, null, 2)}\n`;
    writeFileSync(join(BENCH, 'results', name), json);
    writeFileSync(join(BENCH, 'results', `latest${kind}.json`), json);
    console.log(`bench: wrote bench/results/${name} (${seconds(Date.now() - started)} in all)`);
  } finally {
    await browser.close();
    server.close();
  }
  process.exit(exitCode);
}

/** A case whose flexmask run failed still gets a row (with the error), sized from its id. */
function placeholderSummary(benchCase) {
  return {
    mask: benchCase.mask,
    S: benchCase.S,
    B: 1,
    H: 2,
    D: 64,
    DV: 64,
    block: 128,
    computedBlocks: 0,
    totalBlocks: 0,
    density: Number.NaN,
    computedElements: 0,
    flops: 0,
    denseFlops: 0,
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
