// `npm test`: formatting, lint, types, unit tests and browser tests, in that order, then one
// summary line `N passed, N failed` over all of them. Static checks count as one test each; the
// unit and browser suites count their own tests (read from their JSON reports). Every step runs
// even when an earlier one fails, so one run shows everything that is wrong.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const RESULTS = '.test-results';
rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(command, args) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env: process.env }).status === 0;
}

function check(name, command, args) {
  const ok = run(command, args);
  totals[ok ? 'passed' : 'failed'] += 1;
  lines.push(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
}

function readJson(path) {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

function suite(name, command, args, report, count) {
  const ok = run(command, args);
  const json = readJson(report);
  if (!json) {
    // No report means the runner itself broke: count that as one failure, never as zero tests.
    totals.failed += 1;
    lines.push(`FAIL ${name}: no report was written`);
    return;
  }
  const { passed, failed, skipped } = count(json);
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  const runnerFailedAlone = !ok && failed === 0;
  if (runnerFailedAlone) totals.failed += 1;
  lines.push(
    `${ok ? 'ok  ' : 'FAIL'} ${name}: ${passed} passed, ${failed} failed, ${skipped} skipped` +
      (runnerFailedAlone ? ' (the runner exited with an error)' : ''),
  );
}

function countVitest(json) {
  return {
    passed: json.numPassedTests ?? 0,
    failed: json.numFailedTests ?? 0,
    skipped: (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0),
  };
}

function countPlaywright(json) {
  const s = json.stats ?? {};
  return {
    passed: (s.expected ?? 0) + (s.flaky ?? 0),
    failed: s.unexpected ?? 0,
    skipped: s.skipped ?? 0,
  };
}

check('format (prettier --check)', 'npx', ['prettier', '--check', '.']);
check('lint (eslint)', 'npx', ['eslint', '.']);
check('dead code (knip)', 'npx', ['knip']);
check('typecheck (tsc -b)', 'npx', ['tsc', '-b']);
suite(
  'unit (vitest)',
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${RESULTS}/unit.json`],
  `${RESULTS}/unit.json`,
  countVitest,
);
suite(
  'browser (playwright)',
  'node',
  ['scripts/run-e2e.mjs'],
  `${RESULTS}/e2e.json`,
  countPlaywright,
);

console.log('\nSummary');
for (const line of lines) console.log(`  ${line}`);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed === 0 ? 0 : 1);
