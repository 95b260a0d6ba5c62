/**
 * The bench's table and its targets, from the raw results. Every ratio is computed here, from
 * medians, so the JSON file keeps the raw runs and the printed table can always be redone.
 */
import { ENGINE_LABELS, MASK_LABELS, type EngineId, type MaskId } from './cases';
import type { BenchReport, CaseResult, EngineResult } from './results';
import { gflopsPerSecond, median } from './stats';

/** Peers must agree with flexmask to this relative error (max abs diff over max abs output). */
export const AGREEMENT_TOLERANCE = 1e-3;
/** The issue's targets are set at this length. */
export const TARGET_S = 2048;

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

/** flexmask's kernel time (GPU timestamps) of a case, or NaN when it has none. */
function kernelMedian(c: CaseResult | undefined): number {
  const flex = c && engineOf(c, 'flexmask');
  return flex?.kernelMs && flex.kernelMs.length > 0 ? median(flex.kernelMs) : Number.NaN;
}

function wallMedian(c: CaseResult | undefined, engine: EngineId): number {
  const result = c && engineOf(c, engine);
  return ran(result) ? median(result.wallMs) : Number.NaN;
}

/** kernel(mask) / kernel(noop) at the same length: what block sparsity buys. */
export function noopRatio(cases: CaseResult[], c: CaseResult): number {
  return kernelMedian(c) / kernelMedian(findCase(cases, 'noop', c.S));
}

/** flexmask's wall time over a peer's: below 1 means flexmask is faster. */
export function peerRatio(c: CaseResult, peer: EngineId): number {
  return wallMedian(c, 'flexmask') / wallMedian(c, peer);
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
  't/t(noop)',
  'flexmask/peer',
  'max rel err',
];

function engineRow(cases: CaseResult[], c: CaseResult, result: EngineResult): string[] {
  const head = [
    String(c.S),
    MASK_LABELS[c.mask],
    Number.isFinite(c.density) ? c.density.toFixed(3) : '-',
    ENGINE_LABELS[result.engine],
  ];
  if (result.error !== undefined || result.wallMs.length === 0) {
    const why = result.error ?? 'no timed run';
    return [...head, '0', cell(`not run: ${why}`), '', '', '', '', '', ''];
  }
  const wall = median(result.wallMs);
  const isFlex = result.engine === 'flexmask';
  return [
    ...head,
    String(result.wallMs.length),
    formatMs(wall),
    isFlex && result.kernelMs ? formatMs(median(result.kernelMs)) : '',
    isFlex && result.blockMaskMs ? formatMs(median(result.blockMaskMs)) : '',
    gflopsPerSecond(c.flops, wall).toFixed(2),
    isFlex ? formatRatio(noopRatio(cases, c)) : '',
    isFlex ? '' : formatRatio(peerRatio(c, result.engine)),
    isFlex ? '' : formatError(result.maxRelError),
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
      ['noop', 0.4],
      ['causal', 0.25],
      ['document', 0.1],
    ],
  },
];

/** Each of the issue's targets with PASS, MISS, or N/A where a number it needs is missing. */
export function evaluateTargets(cases: CaseResult[]): TargetLine[] {
  const S = targetLength(cases);
  const lines: TargetLine[] = [];

  for (const mask of ['causal', 'sliding_window', 'document'] as const) {
    const c = findCase(cases, mask, S);
    const ratio = c ? noopRatio(cases, c) : Number.NaN;
    const limit = c ? c.density + 0.1 : Number.NaN;
    lines.push({
      status: judged(finiteOrNull(ratio, limit) ? ratio <= limit : null),
      name: `${mask}@${S} kernel time / noop kernel time <= density + 0.10`,
      detail: `${formatRatio(ratio)} vs ${formatRatio(limit)}`,
    });
  }

  for (const mask of ['causal', 'document'] as const) {
    const c = findCase(cases, mask, S);
    const flex = c && engineOf(c, 'flexmask');
    const build = flex?.blockMaskMs ? median(flex.blockMaskMs) : Number.NaN;
    const kernel = kernelMedian(c);
    lines.push({
      status: judged(finiteOrNull(build, kernel) ? build <= 0.25 * kernel : null),
      name: `${mask}@${S} BlockMask build <= 0.25 x attention (GPU time)`,
      detail: `${formatMs(build)} ms vs 0.25 x ${formatMs(kernel)} ms = ${formatRatio(build / kernel)} x`,
    });
  }

  for (const { peer, limits } of PEER_TARGETS) {
    for (const [mask, limit] of limits) {
      const c = findCase(cases, mask, S);
      const result = c && engineOf(c, peer);
      const ratio = c ? peerRatio(c, peer) : Number.NaN;
      let why = result?.error ? ` (${cell(result.error, 70)})` : result ? '' : ' (not in this run)';
      // A peer whose output is wrong is not a baseline: its time is shown but not judged.
      const wrong =
        result?.maxRelError !== undefined && !(result.maxRelError <= AGREEMENT_TOLERANCE);
      if (wrong)
        why = ` (not judged: the peer's output disagrees with flexmask's, max rel err ${formatError(result?.maxRelError)})`;
      lines.push({
        status: judged(Number.isFinite(ratio) && !wrong ? ratio <= limit : null),
        name: `${mask}@${S} flexmask / ${ENGINE_LABELS[peer]} (wall, readback) <= ${limit}`,
        detail: `${formatRatio(ratio)}${why}`,
      });
    }
  }

  for (const peer of ['ort', 'tfjs'] as const) {
    const checked = cases.flatMap((c) => {
      const result = engineOf(c, peer);
      return ran(result) && result.maxRelError !== undefined
        ? [{ id: c.id, err: result.maxRelError }]
        : [];
    });
    const worst = checked.reduce<{ id: string; err: number } | null>(
      (w, x) => (w === null || !(x.err <= w.err) ? x : w),
      null,
    );
    const agree = checked.filter((x) => x.err <= AGREEMENT_TOLERANCE).length;
    lines.push({
      status: judged(checked.length === 0 ? null : agree === checked.length),
      name: `${ENGINE_LABELS[peer]} output agrees with flexmask within ${AGREEMENT_TOLERANCE} relative`,
      detail: worst
        ? `${agree}/${checked.length} cases; worst ${formatError(worst.err)} at ${worst.id}`
        : 'no case ran',
    });
  }
  return lines;
}

export function targetsText(lines: TargetLine[]): string {
  return lines.map((l) => `${l.status.padEnd(4)}  ${l.name}: ${l.detail}`).join('\n');
}

/** The whole printout: adapter, table, and targets. */
export function reportText(report: BenchReport): string {
  const a = report.adapter;
  const adapter = `${a.vendor} / ${a.architecture}${a.description ? ` (${a.description})` : ''}`;
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
    `Adapter: ${adapter}${a.isFallbackAdapter ? ' [software/fallback adapter]' : ''}; ` +
      `timestamp-query: ${a.timestampQuery ? 'yes' : 'no'}`,
    `B=1 H=2 D=DV=64 block 128; medians of at least ${report.runs} timed runs (more, up to 15, ` +
      'where a case is cheap) after one warm-up; engines take turns run by run.',
    'wall ms: submit to output read back on the CPU (every engine; inputs already on the GPU; ' +
      "flexmask's BlockMask built beforehand). kernel ms / BlockMask ms: flexmask's GPU " +
      'timestamps. GFLOP/s: computed elements x (2 D + 2 DV) / wall ms. t/t(noop): kernel ms ' +
      'over noop kernel ms at the same S. flexmask/peer: wall over wall.',
    '',
    resultsTable(report.cases),
    '',
    `Targets at S=${S}${targetsNote}:`,
    targetsText(evaluateTargets(report.cases)),
  ].join('\n');
}
