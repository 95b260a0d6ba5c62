import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from './compile';
import { MaskCompileError } from './errors';
import type { CompiledProgram, PytorchExportShape } from './types';
import { pythonWithNumpy } from '../../testing/cpython';
import { seededRandom } from '../../testing/randomProgram';

/**
 * The corpus (app/mask/corpus/): whole mask files as users paste them, run by flexmask and by
 * CPython, which must agree.
 *
 * - attn_gym/, transformers/: real-style programs (generators defined in the file or imported
 *   from flexmask's own attn_gym / transformers in app/mask/library/). Each starts with
 *   `# shape: B=.. H=.. Q=.. KV=..`. `compile(source)` must give exactly the dense mask
 *   scripts/reference_masks.py computes (CPython, the NumPy torch shim, mask_mod evaluated one
 *   element at a time as vmap does), and score_mod's outputs on random scores within 1e-5
 *   relative to max(1, |reference|).
 * - hostile/: `# expect: <Kind>` (or `ok`): compile() must throw a MaskCompileError of that kind
 *   (or compile), well within a generous no-hang bound.
 * - planted/: `# expect:` plus `# planted: <text>`: dead-looking code hides a call. What Python
 *   runs must be refused; what it never runs must not reach the PyTorch export.
 *
 * Where CPython can run a hostile or planted program safely (it fails fast or is fine), the
 * sandboxed reference runs it too and must raise the header's kind: the headers say what Python
 * says.
 *
 * One python3 process runs the reference for the whole file.
 */

const REFERENCE = fileURLToPath(new URL('../../scripts/reference_masks.py', import.meta.url));
const SEED = Date.now() % 2 ** 31;
/**
 * Generous, measured but loose: a compile that is merely slow passes, one that hangs does not.
 * The evaluator stops itself at a 1 s deadline (app/mask/eval/budget.ts), so a program refused
 * by that deadline takes a little over 1 s: the bound leaves room for that and a busy machine.
 */
const NO_HANG_MS = 1000;
const SCORE_TOLERANCE = 1e-5;
const MAX_SIDE = 64;
const MAX_BATCH_OR_HEADS = 4;
/** Kinds CPython reaches quickly, so the reference may run programs expecting them. */
const CPYTHON_SAFE = new Set([
  'ok',
  'NameError',
  'ModuleNotFoundError',
  'AssertionError',
  'TypeError',
  'RuntimeError',
  'RecursionError',
  'AttributeError',
]);
const KINDS = new Set([...CPYTHON_SAFE, 'LimitError', 'NotSupportedError']);
const DEFAULT_SHAPE: Shape = { B: 1, H: 1, Q: 8, KV: 8 };

const FILES = import.meta.glob<string>('./corpus/**/*.py', {
  query: '?raw',
  import: 'default',
  eager: true,
});

type Folder = 'attn_gym' | 'transformers' | 'hostile' | 'planted';
const FOLDERS: readonly Folder[] = ['attn_gym', 'transformers', 'hostile', 'planted'];

interface Shape {
  B: number;
  H: number;
  Q: number;
  KV: number;
}

interface CorpusProgram {
  /** e.g. `attn_gym/causal.py` */
  id: string;
  folder: Folder;
  source: string;
  shape: Shape | null;
  /** `ok` or an error kind (hostile/ and planted/). */
  expect: string | null;
  /** Text the PyTorch export must never contain (planted/). */
  planted: string | null;
}

interface ReferenceProgram {
  id: string;
  code: string;
  B: number;
  H: number;
  Q: number;
  KV: number;
  scores: number[] | null;
  timeout: number;
}

type EncodedScore = number | 'inf' | '-inf' | 'nan';

interface ReferenceResult {
  id: string;
  error: string | null;
  errorKind: string | null;
  mask: string | null;
  scores: EncodedScore[] | null;
}

/** The leading comment lines: `# key: value` headers. */
function headers(source: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of source.split('\n')) {
    if (!line.startsWith('#')) break;
    const match = /^#\s*(\w+):\s*(.*?)\s*$/.exec(line);
    if (match) found.set(match[1], match[2]);
  }
  return found;
}

function parseShape(text: string | undefined): Shape | null {
  const match = /^B=(\d+)\s+H=(\d+)\s+Q=(\d+)\s+KV=(\d+)$/.exec(text ?? '');
  if (!match) return null;
  const [B, H, Q, KV] = match.slice(1).map(Number);
  return { B, H, Q, KV };
}

const PROGRAMS: CorpusProgram[] = Object.entries(FILES)
  .map(([path, source]) => {
    const id = path.replace(/^\.\/corpus\//, '');
    const folder = id.split('/')[0] as Folder;
    const header = headers(source);
    return {
      id,
      folder,
      source,
      shape: parseShape(header.get('shape')),
      expect: header.get('expect') ?? null,
      planted: header.get('planted') ?? null,
    };
  })
  .sort((a, b) => a.id.localeCompare(b.id));

const inFolder = (folder: Folder) => PROGRAMS.filter((p) => p.folder === folder);
const REAL_STYLE = [...inFolder('attn_gym'), ...inFolder('transformers')];
const shapeOf = (program: CorpusProgram): Shape => program.shape ?? DEFAULT_SHAPE;
const runsInReference = (program: CorpusProgram): boolean =>
  program.folder === 'attn_gym' ||
  program.folder === 'transformers' ||
  CPYTHON_SAFE.has(program.expect ?? '');

const inputScores = new Map<string, number[]>();
const reference = new Map<string, ReferenceResult>();

beforeAll(() => {
  const python = pythonWithNumpy();
  const random = seededRandom(SEED);
  const programs: ReferenceProgram[] = [];
  for (const program of PROGRAMS.filter(runsInReference)) {
    const { B, H, Q, KV } = shapeOf(program);
    const realStyle = program.folder === 'attn_gym' || program.folder === 'transformers';
    const scores = realStyle
      ? Array.from({ length: B * H * Q * KV }, () => (random() - 0.5) * 20)
      : null;
    if (scores) inputScores.set(program.id, scores);
    const timeout = realStyle ? 120 : 20;
    programs.push({ id: program.id, code: program.source, B, H, Q, KV, scores, timeout });
  }
  const run = spawnSync(python, [REFERENCE], {
    input: JSON.stringify({ programs }),
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(`python3 ${REFERENCE} failed (${run.status}):\n${run.stderr}`);
  }
  for (const result of (JSON.parse(run.stdout) as { results: ReferenceResult[] }).results) {
    reference.set(result.id, result);
  }
}, 600_000);

function referenceOf(id: string): ReferenceResult {
  const result = reference.get(id);
  if (!result) throw new Error(`the reference gave no result for ${id}`);
  return result;
}

/** compile(), with a compile error shown the way a user would see it. */
function compiled(program: CorpusProgram): CompiledProgram {
  try {
    return compile(program.source);
  } catch (error) {
    const text = error instanceof MaskCompileError ? error.formatted : String(error);
    throw new Error(`${program.id} does not compile:\n${text}`);
  }
}

function attempt(source: string): { program: CompiledProgram | null; thrown: unknown; ms: number } {
  const started = performance.now();
  try {
    const program = compile(source);
    return { program, thrown: null, ms: performance.now() - started };
  } catch (thrown) {
    return { program: null, thrown, ms: performance.now() - started };
  }
}

function kindMatches(error: MaskCompileError, kind: string): boolean {
  return (
    String(error.kind) === kind ||
    error.formatted.split('\n').some((line) => line.startsWith(`${kind}:`))
  );
}

function expectRefusal(thrown: unknown, kind: string, id: string): void {
  expect(thrown, `${id} compiled; it should raise ${kind}`).toBeInstanceOf(MaskCompileError);
  const error = thrown as MaskCompileError;
  expect(kindMatches(error, kind), `${id}: expected ${kind}, got:\n${error.formatted}`).toBe(true);
}

function draw(bits: (b: number, h: number, q: number, kv: number) => boolean, shape: Shape) {
  return (b: number, h: number): string => {
    const rows: string[] = [];
    for (let q = 0; q < shape.Q; q++) {
      let row = '';
      for (let kv = 0; kv < shape.KV; kv++) row += bits(b, h, q, kv) ? '#' : '.';
      rows.push(`  ${row}`);
    }
    return rows.join('\n');
  };
}

/** null when flexmask's dense mask is the reference's; otherwise where and how they differ. */
function maskMismatch(program: CompiledProgram, mask: string, shape: Shape): string | null {
  const { B, H, Q, KV } = shape;
  if (mask.length !== B * H * Q * KV) return `the reference mask has ${mask.length} cells`;
  const want = (b: number, h: number, q: number, kv: number) =>
    mask[((b * H + h) * Q + q) * KV + kv] === '1';
  let differing = 0;
  let first: [number, number, number, number] | null = null;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let q = 0; q < Q; q++) {
        for (let kv = 0; kv < KV; kv++) {
          if (program.mask(b, h, q, kv) !== want(b, h, q, kv)) {
            differing += 1;
            first ??= [b, h, q, kv];
          }
        }
      }
    }
  }
  if (!first) return null;
  const [b, h, q, kv] = first;
  const mine = program.mask(b, h, q, kv);
  return [
    `${differing} of ${B * H * Q * KV} cells differ; first at b=${b} h=${h} q=${q} kv=${kv}:`,
    `flexmask ${mine}, CPython ${!mine}. Slice b=${b} h=${h}, flexmask:`,
    draw((...i) => program.mask(...i), shape)(b, h),
    'CPython:',
    draw(want, shape)(b, h),
  ].join('\n');
}

function decodeScore(score: EncodedScore): number {
  if (score === 'inf') return Infinity;
  if (score === '-inf') return -Infinity;
  if (score === 'nan') return NaN;
  return score;
}

function scoreMismatch(
  program: CompiledProgram,
  inputs: number[],
  expected: EncodedScore[],
  shape: Shape,
): string | null {
  const { B, H, Q, KV } = shape;
  let i = 0;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let q = 0; q < Q; q++) {
        for (let kv = 0; kv < KV; kv++, i++) {
          const want = decodeScore(expected[i]);
          const got = program.score(inputs[i], b, h, q, kv);
          const close = Number.isFinite(want)
            ? Math.abs(got - want) <= SCORE_TOLERANCE * Math.max(1, Math.abs(want))
            : Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want));
          if (!close) {
            return `score_mod(${inputs[i]}, b=${b}, h=${h}, q=${q}, kv=${kv}): flexmask ${got}, CPython ${want} (seed ${SEED})`;
          }
        }
      }
    }
  }
  return null;
}

function exportShape(shape: Shape): PytorchExportShape {
  return { ...shape, HKV: shape.H, D: 8, DV: 8, blockQ: 128, blockKV: 128 };
}

/** The PyTorch code (and its notes) the export writes; '' when the export is refused. */
function exportedText(program: CompiledProgram, shape: Shape): string {
  const exported: unknown = program.pytorchExport(exportShape(shape));
  if (typeof exported === 'string') return exported;
  if (typeof exported === 'object' && exported !== null && 'code' in exported) {
    const { code, notes } = exported as { code: unknown; notes?: unknown };
    return [String(code), ...(Array.isArray(notes) ? notes.map(String) : [])].join('\n');
  }
  return '';
}

describe('the corpus itself', () => {
  it('has enough programs in every folder', () => {
    const counts = Object.fromEntries(FOLDERS.map((f) => [f, inFolder(f).length]));
    expect(counts.attn_gym).toBeGreaterThanOrEqual(22);
    expect(counts.transformers).toBeGreaterThanOrEqual(7);
    expect(counts.hostile).toBeGreaterThanOrEqual(24);
    expect(counts.planted).toBeGreaterThanOrEqual(6);
    expect(PROGRAMS.every((p) => FOLDERS.includes(p.folder))).toBe(true);
  });

  it.each(PROGRAMS.map((p) => [p.id, p] as const))('%s has well-formed headers', (id, program) => {
    if (program.folder === 'attn_gym' || program.folder === 'transformers') {
      expect(program.shape, `${id} needs a # shape: header`).not.toBeNull();
    }
    if (program.shape) {
      const { B, H, Q, KV } = program.shape;
      expect(Math.max(Q, KV)).toBeLessThanOrEqual(MAX_SIDE);
      expect(Math.max(B, H)).toBeLessThanOrEqual(MAX_BATCH_OR_HEADS);
      expect(Math.min(B, H, Q, KV)).toBeGreaterThan(0);
    }
    if (program.folder === 'hostile' || program.folder === 'planted') {
      expect(KINDS.has(program.expect ?? ''), `${id}: # expect: ${program.expect}`).toBe(true);
    }
    if (program.folder === 'planted') {
      expect(program.planted, `${id} needs a # planted: header`).toBeTruthy();
      expect(program.source).toContain(program.planted ?? '');
    }
  });
});

describe.each(REAL_STYLE.map((p) => [p.id, p] as const))('corpus %s', (id, program) => {
  it('gives CPython’s dense mask and scores', () => {
    const result = referenceOf(id);
    expect(result.error, `${id} raised in CPython`).toBeNull();
    const shape = shapeOf(program);
    const flexmask = compiled(program);
    expect(maskMismatch(flexmask, result.mask ?? '', shape)).toBeNull();
    if (result.scores !== null) {
      expect(flexmask.hasScoreMod, `${id} defines score_mod`).toBe(true);
      const inputs = inputScores.get(id) ?? [];
      expect(scoreMismatch(flexmask, inputs, result.scores, shape)).toBeNull();
    }
  });
});

describe.each(inFolder('hostile').map((p) => [p.id, p] as const))('corpus %s', (id, program) => {
  const kind = program.expect ?? '';

  it(`is ${kind === 'ok' ? 'compiled' : `refused with ${kind}`} without hanging`, () => {
    const { program: flexmask, thrown, ms } = attempt(program.source);
    expect(ms, `${id}: compile() took ${ms.toFixed(0)} ms`).toBeLessThan(NO_HANG_MS);
    if (kind !== 'ok') {
      expectRefusal(thrown, kind, id);
      return;
    }
    expect(thrown === null ? null : String(thrown), `${id} should compile`).toBeNull();
    const result = reference.get(id);
    if (flexmask && result?.mask) {
      expect(maskMismatch(flexmask, result.mask, shapeOf(program))).toBeNull();
    }
  }, 60_000);

  // Programs CPython cannot run safely (they would hang or exhaust memory) have no CPython check.
  if (CPYTHON_SAFE.has(kind)) {
    it('raises the same kind under CPython', () => {
      expect(referenceOf(id).errorKind ?? 'ok', referenceOf(id).error ?? '').toBe(kind);
    });
  }
});

describe.each(inFolder('planted').map((p) => [p.id, p] as const))('corpus %s', (id, program) => {
  const kind = program.expect ?? '';
  const planted = program.planted ?? '';

  it(`is ${kind === 'ok' ? 'compiled' : `refused with ${kind}`}, and the export never carries the planted call`, () => {
    const { program: flexmask, thrown, ms } = attempt(program.source);
    expect(ms, `${id}: compile() took ${ms.toFixed(0)} ms`).toBeLessThan(NO_HANG_MS);
    if (flexmask) {
      expect(exportedText(flexmask, shapeOf(program))).not.toContain(planted);
    }
    if (kind !== 'ok') {
      expectRefusal(thrown, kind, id);
      return;
    }
    expect(thrown === null ? null : String(thrown), `${id} should compile`).toBeNull();
    const result = referenceOf(id);
    if (flexmask && result.mask) {
      expect(maskMismatch(flexmask, result.mask, shapeOf(program))).toBeNull();
    }
  }, 60_000);

  it('raises the same kind under CPython', () => {
    expect(referenceOf(id).errorKind ?? 'ok', referenceOf(id).error ?? '').toBe(kind);
  });
});
