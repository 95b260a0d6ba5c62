/**
 * The bench's table and its targets, from the raw results. Every ratio is computed here, from
 * medians, so the JSON file keeps the raw runs and the printed table can always be redone.
 */
import { COUNTERPART, ENGINE_LABELS, MASK_LABELS, type EngineId, type MaskId } from './cases';
import type { BenchReport, CaseResult, EngineResult } from './results';
import { SAMPLED_ROWS } from './sampledReference';
import { gflopsPerSecond, median } from './stats';

/** Engines must agree with flexmask to this relative error (max abs diff over max abs output). */
export const AGREEMENT_TOLERANCE = 1e-3;
/** The issue's targets are set at this length. */
export const TARGET_S = 2048;
/** GPU kernel v6: at least this many GFLOP/s on noop (computed FLOPs over kernel time). */
export const GPU_KERNEL_GFLOPS = 4;
/** The CPU engine: at least this many GFLOP/s on noop (computed FLOPs over the whole call). */
export const CPU_ENGINE_GFLOPS = 15;

export type TargetStatus = 'PASS' | 'MISS' | 'N/A';

export interface TargetLine {
  status: TargetStatus;
  name: string;
  detail: string;
}

function ran(result: EngineResult | undefined): result is EngineResult {
  return result !== undefined && result.error === undefined && result.wallMs.length > 0;
}

function engineOf(c: CaseResult, engine: EngineId): EngineResult | undefined {
  return c.engines.find((e) => e.engine === engine);
}

function findCase(cases: CaseResult[], mask: MaskId, S: number): CaseResult | undefined {
  return cases.find((c) => c.mask === mask && c.S === S);
}

/**
 * An engine's own attention time of a case, or NaN when it has none: flexmask's kernel (GPU
 * timestamps), flexmask-cpu's attention stage.
 */
function kernelMedian(c: CaseResult | undefined, engine: EngineId = 'flexmask'): number {
  const result = c && engineOf(c, engine);
  return ran(result) && result.kernelMs && result.kernelMs.length > 0
    ? median(result.kernelMs)
    : Number.NaN;
}

function wallMedian(c: CaseResult | undefined, engine: EngineId): number {
  const result = c && engineOf(c, engine);
  return ran(result) ? median(result.wallMs) : Number.NaN;
}

/** attention(mask) / attention(noop) at the same length, for one flexmask engine. */
export function noopRatio(cases: CaseResult[], c: CaseResult, engine: EngineId = 'flexmask') {
  return kernelMedian(c, engine) / kernelMedian(findCase(cases, 'noop', c.S), engine);
}

/** wall(mask) / wall(noop) at the same length. */
function noopWallRatio(cases: CaseResult[], c: CaseResult, engine: EngineId): number {
  return wallMedian(c, engine) / wallMedian(findCase(cases, 'noop', c.S), engine);
}

/**
 * The flexmask engine a peer is compared with (GPU for GPU, CPU for CPU) over the peer, both
 * on the wall clock: below 1 means flexmask is faster.
 */
export function peerRatio(c: CaseResult, peer: EngineId): number {
  return wallMedian(c, COUNTERPART[peer]) / wallMedian(c, peer);
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

function formatRatio(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : '-';
}

function formatGflops(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : '-';
}

function formatError(x: number | undefined): string {
  return x === undefined ? '-' : Number.isFinite(x) ? x.toExponential(1) : 'NaN/inf';
}

/** A cell of a markdown table: one line, no pipes, not too long. */
function cell(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').replace(/\|/g, '/').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

export const TABLE_HEADER = [
  'S',
  'mask',
  'density',
  'engine',
  'runs',
  'wall ms',
  'kernel ms',
  'BlockMask ms',
  'GFLOP/s',
  'kernel GFLOP/s',
  't/t(noop)',
  'flexmask/peer',
  'max rel err',
  'float64 err',
];

function isFlexmask(engine: EngineId): boolean {
  return COUNTERPART[engine] === engine;
}

function engineRow(cases: CaseResult[], c: CaseResult, result: EngineResult): string[] {
  const head = [
    String(c.S),
    MASK_LABELS[c.mask],
    Number.isFinite(c.density) ? c.density.toFixed(3) : '-',
    ENGINE_LABELS[result.engine],
  ];
  if (result.error !== undefined || result.wallMs.length === 0) {
    const why = result.error ?? 'no timed run';
    return [...head, '0', cell(`not run: ${why}`), '', '', '', '', '', '', '', ''];
  }
  const wall = median(result.wallMs);
  const kernel = result.kernelMs?.length ? median(result.kernelMs) : Number.NaN;
  const ours = isFlexmask(result.engine);
  return [
    ...head,
    String(result.wallMs.length),
    formatMs(wall),
    Number.isFinite(kernel) ? formatMs(kernel) : '',
    result.blockMaskMs?.length ? formatMs(median(result.blockMaskMs)) : '',
    formatGflops(gflopsPerSecond(c.flops, wall)),
    Number.isFinite(kernel) ? formatGflops(gflopsPerSecond(c.flops, kernel)) : '',
    ours ? formatRatio(noopRatio(cases, c, result.engine)) : '',
    ours ? '' : formatRatio(peerRatio(c, result.engine)),
    formatError(result.maxRelError).replace(/^-$/, ''),
    formatError(result.referenceError).replace(/^-$/, ''),
  ];
}

export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((text, i) => text.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)]
    .map((l) => l.trimEnd())
    .join('\n');
}

export function resultsTable(cases: CaseResult[]): string {
  const rows = cases.flatMap((c) => c.engines.map((result) => engineRow(cases, c, result)));
  return markdownTable(TABLE_HEADER, rows);
}

/** The length the targets are judged at: 2048, or the longest the run has (with --quick). */
export function targetLength(cases: CaseResult[]): number {
  const lengths = cases.map((c) => c.S);
  return lengths.includes(TARGET_S) ? TARGET_S : Math.max(0, ...lengths);
}

function judged(ok: boolean | null): TargetStatus {
  return ok === null ? 'N/A' : ok ? 'PASS' : 'MISS';
}

function finiteOrNull(...values: number[]): boolean {
  return values.every(Number.isFinite);
}

/** Why a number an engine should have given is missing, for a target's detail. */
function missing(c: CaseResult | undefined, engine: EngineId): string {
  const result = c && engineOf(c, engine);
  if (!result) return ' (not in this run)';
  return result.error ? ` (${cell(result.error, 70)})` : '';
}

const PEER_TARGETS: { peer: EngineId; limits: [MaskId, number][] }[] = [
  {
    peer: 'ort',
    limits: [
      ['noop', 1.0],
      ['causal', 0.6],
      ['document', 0.3],
    ],
  },
  {
    peer: 'tfjs',
    limits: [
      ['noop', 0.15],
      ['causal', 0.25],
      ['document', 0.1],
    ],
  },
  {
    peer: 'ort-wasm',
    limits: [
      ['noop', 1.0],
      ['causal', 0.6],
      ['document', 0.2],
    ],
  },
];

/** Block sparsity pays on the GPU: kernel(mask) / kernel(noop) <= density + 0.10. */
function gpuDensityTargets(cases: CaseResult[], S: number): TargetLine[] {
  return (['causal', 'sliding_window', 'document'] as const).map((mask) => {
    const c = findCase(cases, mask, S);
    const ratio = c ? noopRatio(cases, c) : Number.NaN;
    const limit = c ? c.density + 0.1 : Number.NaN;
    return {
      status: judged(finiteOrNull(ratio, limit) ? ratio <= limit : null),
      name: `${mask}@${S} kernel time / noop kernel time <= density + 0.10`,
      detail: `${formatRatio(ratio)} vs ${formatRatio(limit)}`,
    };
  });
}

function blockMaskTargets(cases: CaseResult[], S: number): TargetLine[] {
  return (['causal', 'document'] as const).map((mask) => {
    const c = findCase(cases, mask, S);
    const flex = c && engineOf(c, 'flexmask');
    const build = flex?.blockMaskMs?.length ? median(flex.blockMaskMs) : Number.NaN;
    const kernel = kernelMedian(c);
    return {
      status: judged(finiteOrNull(build, kernel) ? build <= 0.25 * kernel : null),
      name: `${mask}@${S} BlockMask build <= 0.25 x attention (GPU time)`,
      detail: `${formatMs(build)} ms vs 0.25 x ${formatMs(kernel)} ms = ${formatRatio(build / kernel)} x`,
    };
  });
}

/** GPU kernel v6: computed FLOPs over kernel time on noop. */
function gpuRateTarget(cases: CaseResult[], S: number): TargetLine {
  const c = findCase(cases, 'noop', S);
  const rate = c ? gflopsPerSecond(c.flops, kernelMedian(c)) : Number.NaN;
  return {
    status: judged(Number.isFinite(rate) ? rate >= GPU_KERNEL_GFLOPS : null),
    name: `noop@${S} GPU kernel >= ${GPU_KERNEL_GFLOPS} GFLOP/s (computed FLOPs / kernel time)`,
    detail: `${formatGflops(rate)} GFLOP/s${Number.isFinite(rate) ? '' : missing(c, 'flexmask')}`,
  };
}

/** The CPU engine's rate on noop, judged on the whole call (what a page waits for). */
function cpuRateTarget(cases: CaseResult[], S: number): TargetLine {
  const c = findCase(cases, 'noop', S);
  const rate = c ? gflopsPerSecond(c.flops, wallMedian(c, 'flexmask-cpu')) : Number.NaN;
  const attention = c ? gflopsPerSecond(c.flops, kernelMedian(c, 'flexmask-cpu')) : Number.NaN;
  const detail = Number.isFinite(rate)
    ? `${formatGflops(rate)} GFLOP/s (attention stage alone ${formatGflops(attention)})`
    : `-${missing(c, 'flexmask-cpu')}`;
  return {
    status: judged(Number.isFinite(rate) ? rate >= CPU_ENGINE_GFLOPS : null),
    name: `noop@${S} CPU engine >= ${CPU_ENGINE_GFLOPS} GFLOP/s (computed FLOPs / wall time of the whole call)`,
    detail,
  };
}

/**
 * Block sparsity pays on the CPU: judged, as on the GPU, on the attention stage alone (the
 * engine's own clock); the whole call's ratio, BlockMask build included, is printed beside it.
 */
function cpuDensityTarget(cases: CaseResult[], S: number): TargetLine {
  const c = findCase(cases, 'causal', S);
  const ratio = c ? noopRatio(cases, c, 'flexmask-cpu') : Number.NaN;
  const wallRatio = c ? noopWallRatio(cases, c, 'flexmask-cpu') : Number.NaN;
  const limit = c ? c.density + 0.1 : Number.NaN;
  return {
    status: judged(finiteOrNull(ratio, limit) ? ratio <= limit : null),
    name: `causal@${S} CPU engine attention time / noop attention time <= density + 0.10`,
    detail:
      `${formatRatio(ratio)} vs ${formatRatio(limit)} (whole call ${formatRatio(wallRatio)})` +
      (Number.isFinite(ratio) ? '' : missing(c, 'flexmask-cpu')),
  };
}

function peerTargets(cases: CaseResult[], S: number): TargetLine[] {
  return PEER_TARGETS.flatMap(({ peer, limits }) =>
    limits.map(([mask, limit]): TargetLine => {
      const c = findCase(cases, mask, S);
      const result = c && engineOf(c, peer);
      const ours = COUNTERPART[peer];
      const ratio = c ? peerRatio(c, peer) : Number.NaN;
      let why = '';
      if (!Number.isFinite(ratio)) why = missing(c, peer) || missing(c, ours);
      // A peer whose output is wrong is not a baseline: its time is shown but not judged.
      const wrong =
        result?.maxRelError !== undefined && !(result.maxRelError <= AGREEMENT_TOLERANCE);
      if (wrong)
        why = ` (not judged: the peer's output disagrees with flexmask's, max rel err ${formatError(result?.maxRelError)})`;
      return {
        status: judged(Number.isFinite(ratio) && !wrong ? ratio <= limit : null),
        name: `${mask}@${S} ${ENGINE_LABELS[ours]} / ${ENGINE_LABELS[peer]} (wall, readback) <= ${limit}`,
        detail: `${formatRatio(ratio)}${why}`,
      };
    }),
  );
}

/** Against whose output the checks were made: "flexmask GPU", or how many cases each. */
function checkedAgainstText(against: (EngineId | undefined)[]): string {
  const counts = new Map<string, number>();
  for (const engine of against) {
    const label = engine ? ENGINE_LABELS[engine] : 'flexmask';
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  if (counts.size === 1) return `against ${[...counts.keys()][0]}`;
  return `against ${[...counts].map(([label, n]) => `${label} in ${n}`).join(', ')}`;
}

/**
 * Every engine checked against flexmask agrees with it, in every case it ran: against flexmask
 * on the GPU, or against the CPU engine in a case the GPU did not run.
 */
function agreementTargets(cases: CaseResult[]): TargetLine[] {
  return (['ort', 'tfjs', 'ort-wasm', 'flexmask-cpu'] as const).map((engine) => {
    const checked = cases.flatMap((c) => {
      const result = engineOf(c, engine);
      return ran(result) && result.maxRelError !== undefined
        ? [{ id: c.id, err: result.maxRelError, against: result.checkedAgainst }]
        : [];
    });
    const worst = checked.reduce<{ id: string; err: number } | null>(
      (w, x) => (w === null || !(x.err <= w.err) ? x : w),
      null,
    );
    const agree = checked.filter((x) => x.err <= AGREEMENT_TOLERANCE).length;
    const why = engine === 'flexmask-cpu' ? ' (it is checked against flexmask GPU only)' : '';
    return {
      status: judged(checked.length === 0 ? null : agree === checked.length),
      name: `${ENGINE_LABELS[engine]} output agrees with flexmask within ${AGREEMENT_TOLERANCE} relative`,
      detail: worst
        ? `${agree}/${checked.length} cases; worst ${formatError(worst.err)} at ${worst.id}; ` +
          checkedAgainstText(checked.map((x) => x.against))
        : `no case checked${why}`,
    };
  });
}

/**
 * flexmask's own engines give the float64 answer (from flex attention's definition) on the rows
 * every case samples: the check that holds in a run without peers, and without a GPU.
 */
function float64Targets(cases: CaseResult[]): TargetLine[] {
  return (['flexmask', 'flexmask-cpu'] as const).map((engine) => {
    const checked = cases.flatMap((c) => {
      const result = engineOf(c, engine);
      return ran(result) && result.referenceError !== undefined
        ? [{ id: c.id, err: result.referenceError }]
        : [];
    });
    const worst = checked.reduce<{ id: string; err: number } | null>(
      (w, x) => (w === null || !(x.err <= w.err) ? x : w),
      null,
    );
    const agree = checked.filter((x) => x.err <= AGREEMENT_TOLERANCE).length;
    return {
      status: judged(checked.length === 0 ? null : agree === checked.length),
      name:
        `${ENGINE_LABELS[engine]} output equals float64 flex attention on sampled rows ` +
        `within ${AGREEMENT_TOLERANCE} relative`,
      detail: worst
        ? `${agree}/${checked.length} cases; worst ${formatError(worst.err)} at ${worst.id}`
        : 'no case ran',
    };
  });
}

/** Each of the issue's targets with PASS, MISS, or N/A where a number it needs is missing. */
export function evaluateTargets(cases: CaseResult[]): TargetLine[] {
  const S = targetLength(cases);
  return [
    ...gpuDensityTargets(cases, S),
    ...blockMaskTargets(cases, S),
    gpuRateTarget(cases, S),
    cpuRateTarget(cases, S),
    cpuDensityTarget(cases, S),
    ...peerTargets(cases, S),
    ...agreementTargets(cases),
    ...float64Targets(cases),
  ];
}

export function targetsText(lines: TargetLine[]): string {
  return lines.map((l) => `${l.status.padEnd(4)}  ${l.name}: ${l.detail}`).join('\n');
}

/** The threads and SIMD a CPU engine ran with (the first case that says), for the header. */
export function cpuSetupText(report: Pick<BenchReport, 'cases' | 'environment'>): string {
  const env = report.environment;
  const page = env
    ? `page ${env.crossOriginIsolated ? 'cross-origin isolated' : 'NOT cross-origin isolated'}, ` +
      `${env.hardwareConcurrency} logical cores`
    : 'page isolation not recorded';
  const setupOf = (engine: EngineId): string => {
    const result = report.cases
      .map((c) => engineOf(c, engine))
      .find((r) => r?.threads !== undefined);
    if (!result?.threads) return 'did not run';
    const unit = engine === 'flexmask-cpu' ? 'workers' : 'threads';
    const on = engine === 'ort-wasm' ? (result.threads > 1 ? 'threads on, ' : 'threads off, ') : '';
    return `${on}${result.threads} ${unit}, ${result.simd ?? 'SIMD unknown'}`;
  };
  return (
    `CPU: ${page}; ${ENGINE_LABELS['ort-wasm']}: ${setupOf('ort-wasm')}; ` +
    `${ENGINE_LABELS['flexmask-cpu']}: ${setupOf('flexmask-cpu')}.`
  );
}

/** The whole printout: adapter, table, and targets. */
export function reportText(report: BenchReport): string {
  const a = report.adapter;
  const adapter = a
    ? `Adapter: ${a.vendor} / ${a.architecture}${a.description ? ` (${a.description})` : ''}` +
      `${a.isFallbackAdapter ? ' [software/fallback adapter]' : ''}; ` +
      `timestamp-query: ${a.timestampQuery ? 'yes' : 'no'}`
    : 'Adapter: none (the page has no WebGPU: only the CPU engines ran)';
  const S = targetLength(report.cases);
  const targetsNote =
    S === TARGET_S ? '' : ` (this run's longest length; the targets are set for ${TARGET_S})`;
  const k = report.kernel;
  const kernel = k
    ? `Kernel: commit ${k.commit ?? '?'}${k.gpuDirty ? ' + uncommitted gpu/ changes' : ''}, ` +
      `sources sha256 ${k.kernelSha256}`
    : 'Kernel: not recorded';
  return [
    kernel,
    adapter,
    cpuSetupText(report),
    `B=1 H=2 D=DV=64 block 128; medians of at least ${report.runs} timed runs (more, up to 15, ` +
      'where a case is cheap) after one warm-up; engines take turns run by run.',
    'wall ms: submit to output read back on the CPU (GPU engines: inputs already on the GPU, ' +
      "flexmask's BlockMask built beforehand; flexmask CPU: the whole engine call, BlockMask " +
      'included, workers already started). kernel ms / BlockMask ms: flexmask GPU from GPU ' +
      "timestamps; flexmask CPU from the engine's own clock. GFLOP/s: computed elements x " +
      '(2 D + 2 DV) / wall ms (kernel GFLOP/s: / kernel ms). t/t(noop): kernel ms over noop ' +
      'kernel ms at the same S. flexmask/peer: wall over wall, GPU peers against flexmask GPU, ' +
      'the wasm peer against flexmask CPU. max rel err: against flexmask GPU (flexmask CPU ' +
      'when the page has no WebGPU). float64 err: against float64 flex attention, computed ' +
      `from its definition on ${SAMPLED_ROWS} query rows of every head.`,
    '',
    resultsTable(report.cases),
    '',
    `Targets at S=${S}${targetsNote}:`,
    targetsText(evaluateTargets(report.cases)),
  ].join('\n');
}
