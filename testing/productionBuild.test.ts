/**
 * `npm run build` is the app alone: it runs the production build (the `vite build` of package.json's
 * build script) into a temporary folder and requires no harness page, no source map and no chunk
 * with test code or probe kernels in it. The browser tests' build (`npm run build:e2e`, what
 * scripts/run-e2e.mjs serves) must hold every one of those files unchanged, plus the harness page
 * under the same Content-Security-Policy; that build also proves each test-only marker below is
 * really found when the code is there, so none of the absence checks can pass vacuously.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../vite.config';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Strings that only test code contains, each with where it comes from: the harness's window
 * property, one export of each harness module (they are the harness object's keys, so minifying
 * keeps them) and a line of each probe kernel's WGSL.
 */
const TEST_ONLY_MARKERS = [
  'flexmaskHarness', // e2e/harness/harness.ts
  'recoverFromLoss', // e2e/harness/foundationChecks.ts
  'compareProgramWithReference', // e2e/harness/engineChecks.ts
  'evaluateBoundsOnGpu', // e2e/harness/maskChecks.ts
  'walkthroughEngineRow', // e2e/harness/teachingChecks.ts
  'readBackUniformStructs', // e2e/harness/uniformChecks.ts
  'probe_main', // e2e/harness/kernels/programProbe.wgsl
  'fm_probe_bounds_main', // e2e/harness/kernels/boundsProbe.wgsl
  'input[i] * input[i] + f32(i)', // e2e/harness/kernels/selfTest.wgsl
];

/** The environment of a build as a user's shell has it: none of Vitest's own variables. */
function buildEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_ENV' || key.startsWith('VITEST') || key.startsWith('FLEXMASK_')) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}

/** The command of an npm script after its last `&&` (the type check before it is its own step). */
function scriptTail(name: string): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const script = pkg.scripts[name];
  if (!script) throw new Error(`package.json has no "${name}" script`);
  return script.split('&&').at(-1)!.trim().split(/\s+/);
}

/** Runs `npm run <name>`'s build command into `outDir`. */
function buildWithScript(name: string, outDir: string): void {
  const [command, ...args] = scriptTail(name);
  expect(command).toBe('vite');
  run(
    'npx',
    [command!, ...args, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
    buildEnv(),
  );
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
function listFiles(dir: string): string[] {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

function filesWith(dir: string, marker: string): string[] {
  return listFiles(dir).filter((f) => readFileSync(join(dir, f), 'utf8').includes(marker));
}

const CSP_META = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`;

let work = '';
let app = '';
let tests = '';

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'flexmask-build-'));
  app = join(work, 'app');
  tests = join(work, 'e2e');
  buildWithScript('build', app);
  run('node', ['scripts/run-e2e.mjs', '--build-only'], buildEnv({ FLEXMASK_OUT_DIR: tests }));
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run build: the app alone', () => {
  it('holds the page, its assets and public/, and no harness page', () => {
    const files = listFiles(app);
    expect(files).toContain('index.html');
    expect(files).not.toContain('harness.html');
    expect(files.filter((f) => f.endsWith('.html'))).toEqual(['index.html']);
    for (const file of files) expect(file).toMatch(/^(index\.html|favicon\.svg|assets\/[^/]+)$/);
  });

  it('has no source maps and points at none', () => {
    const files = listFiles(app);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(filesWith(app, 'sourceMappingURL')).toEqual([]);
  });

  it.each(TEST_ONLY_MARKERS)('no file contains the test-only marker %j', (marker) => {
    expect(filesWith(app, marker)).toEqual([]);
  });

  it('carries the Content-Security-Policy', () => {
    expect(readFileSync(join(app, 'index.html'), 'utf8')).toContain(CSP_META);
  });
});

describe('the browser tests build: the same app plus the harness', () => {
  it('holds every file of the production build, byte for byte', () => {
    const testFiles = new Set(listFiles(tests));
    for (const file of listFiles(app)) {
      expect(testFiles.has(file), file).toBe(true);
      expect(readFileSync(join(tests, file)).equals(readFileSync(join(app, file))), file).toBe(
        true,
      );
    }
  });

  it('adds the harness page under the same Content-Security-Policy', () => {
    const added = listFiles(tests).filter((f) => !listFiles(app).includes(f));
    expect(added).toContain('harness.html');
    for (const file of added) expect(file).toMatch(/^(harness\.html|assets\/[^/]+)$/);
    expect(readFileSync(join(tests, 'harness.html'), 'utf8')).toContain(CSP_META);
  });

  it.each(TEST_ONLY_MARKERS)(
    'contains the test-only marker %j (so its absence means something)',
    (marker) => {
      expect(filesWith(tests, marker)).not.toEqual([]);
    },
  );
});

describe('npm run build:debug', () => {
  it('writes source maps, only when asked for', () => {
    const debug = join(work, 'debug');
    buildWithScript('build:debug', debug);
    expect(listFiles(debug).filter((f) => f.endsWith('.js.map'))).not.toEqual([]);
  }, 180_000);
});
