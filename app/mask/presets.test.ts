import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import { PRESETS, presetById, type Preset } from './presets';

/**
 * Each preset's program, compiled and evaluated on the CPU back end at its example settings,
 * against the rule its card and docs/presets.md state for it (or, for the masks attention-gym added later,
 * the rule of its attention-gym file), written here again in plain TypeScript from the rule and
 * the example values (not from the .py files).
 */

type MaskRule = (b: number, h: number, q: number, kv: number) => boolean;
type ScoreRule = (score: number, b: number, h: number, q: number, kv: number) => number;

/** Token -> document, and document -> first token, for documents laid end to end. */
function packedDocuments(lengths: number[]): { docOf: number[]; startOf: number[] } {
  const docOf: number[] = [];
  const startOf: number[] = [];
  lengths.forEach((length, doc) => {
    startOf.push(docOf.length);
    for (let i = 0; i < length; i++) docOf.push(doc);
  });
  return { docOf, startOf };
}

/** NATTEN: centre clamped to [k/2, n-1-k/2], then |centre - kv| <= k/2 on both axes. */
function nattenAllows(
  canvas: number,
  kernel: number,
  [qx, qy]: [number, number],
  [kx, ky]: [number, number],
): boolean {
  const half = Math.floor(kernel / 2);
  const clampCentre = (v: number) => Math.min(Math.max(v, half), canvas - 1 - half);
  return Math.abs(clampCentre(qx) - kx) <= half && Math.abs(clampCentre(qy) - ky) <= half;
}

/** Tile-major layout: tiles row-major over the canvas, pixels row-major inside a tile. */
function tiledXY(idx: number, canvas: number, tile: number): [number, number] {
  const t = Math.floor(idx / (tile * tile));
  const within = idx % (tile * tile);
  const tilesPerRow = canvas / tile;
  return [
    (t % tilesPerRow) * tile + (within % tile),
    Math.floor(t / tilesPerRow) * tile + Math.floor(within / tile),
  ];
}

/** Z-order: bit 2i of the index is bit i of x, bit 2i+1 is bit i of y. */
function mortonXY(idx: number): [number, number] {
  let x = 0;
  let y = 0;
  for (let bit = 0; bit < 16; bit++) {
    x |= ((idx >> (2 * bit)) & 1) << bit;
    y |= ((idx >> (2 * bit + 1)) & 1) << bit;
  }
  return [x, y];
}

/** ancestorOrSelf[i][j]: walking parents up from i reaches j. */
function ancestorsFromParents(parents: number[]): boolean[][] {
  return parents.map((_, i) => {
    const row = parents.map(() => false);
    for (let node = i; node >= 0; node = parents[node]) row[node] = true;
    return row;
  });
}

/**
 * Sliding tile attention on a canvas of any rank (dims in storage order, e.g. [t, h, w]): tokens
 * are stored tile by tile (tiles row-major over the canvas, each tile contiguous), then `text`
 * text tokens. A vision query sees the vision keys in the window of kernel / tile whole tiles
 * around its own tile, the window's centre clamped so it stays on the canvas (an even window
 * reaches one tile further back than forward), and every text key; a text query sees every key.
 */
function staAllows(
  canvas: number[],
  kernel: number[],
  tile: number[],
  text: number,
  q: number,
  kv: number,
): boolean {
  const vision = canvas.reduce((a, n) => a * n, 1);
  if (q >= vision) return kv < vision + text;
  if (kv >= vision) return kv < vision + text;
  const tileSize = tile.reduce((a, n) => a * n, 1);
  const tilesPerAxis = canvas.map((n, axis) => n / tile[axis]);
  const tileCoords = (idx: number): number[] => {
    let rest = Math.floor(idx / tileSize);
    const coords: number[] = [];
    for (let axis = canvas.length - 1; axis >= 0; axis--) {
      coords.unshift(rest % tilesPerAxis[axis]);
      rest = Math.floor(rest / tilesPerAxis[axis]);
    }
    return coords;
  };
  const [qTile, kvTile] = [tileCoords(q), tileCoords(kv)];
  return canvas.every((_, axis) => {
    const window = kernel[axis] / tile[axis];
    const back = Math.floor(window / 2);
    const forward = window - 1 - back;
    const last = tilesPerAxis[axis] - 1;
    const centre = Math.min(Math.max(qTile[axis], back), last - forward);
    return kvTile[axis] >= centre - back && kvTile[axis] <= centre + forward;
  });
}

/** Python's %: the result takes the divisor's sign. */
function pyMod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

const JAGGED = packedDocuments([5, 7, 3, 6]);
const SHARED = packedDocuments([3, 2, 2, 2, 3, 2, 2, 2]);
const SHARED_PREFIX_IDS = [0, 0, 0, 0, 4, 4, 4, 4];
const VALID_LENGTHS = [7, 4];
const FLAMINGO_INTERVALS = [
  [0, 7],
  [1, 7],
  [7, 12],
];
const TREE_PREFIX = 4;
const TREE_ANCESTORS = ancestorsFromParents([-1, 0, 1, 1, 3, 3, 0]);
const BD3_L = 12;
const BD3_BLOCK = 4;
// Sparse VideoGen: a prompt of 4, then 3 frames of 8 tokens
const SVG_PROMPT = 4;
const SVG_FRAMES = 3;
const SVG_FRAME = 8;
// the spatial reach: WIDTH (1) frames of tokens, rounded down to a multiple of ROUND_WIDTH (4)
const SVG_SPATIAL_REACH = Math.floor((1 * SVG_FRAME) / 4) * 4;
// the temporal reach: WIDTH * TOKEN_PER_FRAME // NUM_FRAMES
const SVG_TEMPORAL_REACH = Math.floor((1 * SVG_FRAME) / SVG_FRAMES);
const JETSPEC_PREFIX = 4;
const JETSPEC_ANCESTORS = ancestorsFromParents([-1, 0, 0, 1, 1, 2]);
const JETSPEC_BLOCK = 3;

const causal: MaskRule = (_b, _h, q, kv) => q >= kv;
const everything: MaskRule = () => true;

const MASK_RULES: Record<string, MaskRule> = {
  causal,
  sliding_window: (_b, _h, q, kv) => q >= kv && q - kv <= 3,
  // Hugging Face: a window of 3 is self plus 2 earlier tokens
  sliding_window_hf: (_b, _h, q, kv) => q >= kv && q - kv <= 3 - 1,
  dilated_sliding_window: (_b, _h, q, kv) => Math.abs(q - kv) <= 4 && Math.abs(q - kv) % 2 === 0,
  global_sliding: (_b, _h, q, kv) =>
    Math.abs(q - kv) <= 3 || [0, 8].includes(q) || [0, 8].includes(kv),
  prefix_lm: (_b, _h, q, kv) => kv < 4 || q >= kv,
  document: (_b, _h, q, kv) =>
    JAGGED.docOf[q] === JAGGED.docOf[kv] &&
    q - JAGGED.startOf[JAGGED.docOf[q]] >= kv - JAGGED.startOf[JAGGED.docOf[kv]],
  packed_causal_documents: (_b, _h, q, kv) => kv >= JAGGED.startOf[JAGGED.docOf[q]] && q >= kv,
  shared_prefix: (_b, _h, q, kv) => {
    const [qDoc, kvDoc] = [SHARED.docOf[q], SHARED.docOf[kv]];
    const sameDocCausal = qDoc === kvDoc && q >= kv;
    const continuationSeesPrompt = qDoc !== kvDoc && SHARED_PREFIX_IDS[qDoc] === kvDoc;
    return sameDocCausal || continuationSeesPrompt;
  },
  padding: (b, _h, q, kv) => q < VALID_LENGTHS[b] && kv < VALID_LENGTHS[b],
  batchify: (_b, _h, q, kv) => Math.floor(q / 4) === Math.floor(kv / 4) && q % 4 >= kv % 4,
  vision_cross_attention: (_b, _h, q, kv) => {
    const [start, end] = FLAMINGO_INTERVALS[Math.floor(kv / 3)];
    return start <= q && q < end;
  },
  natten_2d: (_b, _h, q, kv) =>
    nattenAllows(6, 3, [q % 6, Math.floor(q / 6)], [kv % 6, Math.floor(kv / 6)]),
  tiled_natten: (_b, _h, q, kv) => nattenAllows(6, 3, tiledXY(q, 6, 2), tiledXY(kv, 6, 2)),
  morton_natten: (_b, _h, q, kv) => nattenAllows(8, 3, mortonXY(q), mortonXY(kv)),
  block_diffusion: (_b, _h, q, kv) => {
    const [qClean, kvClean] = [q >= BD3_L, kv >= BD3_L];
    const qBlock = Math.floor((q % BD3_L) / BD3_BLOCK);
    const kvBlock = Math.floor((kv % BD3_L) / BD3_BLOCK);
    if (qClean !== kvClean) return !qClean && kvClean && qBlock > kvBlock;
    return qClean ? qBlock >= kvBlock : qBlock === kvBlock;
  },
  tree: (_b, _h, q, kv) => {
    if (q < TREE_PREFIX || kv < TREE_PREFIX) return kv <= q && kv < TREE_PREFIX;
    return TREE_ANCESTORS[q - TREE_PREFIX][kv - TREE_PREFIX];
  },
  sta_2d: (_b, _h, q, kv) => staAllows([4, 4], [2, 2], [2, 2], 0, q, kv),
  sta_2d_text: (_b, _h, q, kv) => staAllows([4, 4], [2, 2], [2, 2], 4, q, kv),
  sta_3d: (_b, _h, q, kv) => staAllows([2, 4, 4], [2, 2, 2], [2, 2, 2], 0, q, kv),
  svg_spatial: (_b, _h, q, kv) =>
    q < SVG_PROMPT || kv < SVG_PROMPT || Math.abs(q - kv) < SVG_SPATIAL_REACH,
  svg_temporal: (_b, _h, q, kv) => {
    const place = (i: number) => pyMod(i - SVG_PROMPT, SVG_FRAME);
    return q < SVG_PROMPT || kv < SVG_PROMPT || Math.abs(place(q) - place(kv)) < SVG_TEMPORAL_REACH;
  },
  // queries are tree nodes; keys are the prefix, then the same nodes
  jetspec_tree: (_b, _h, q, kv) =>
    kv < JETSPEC_PREFIX ||
    (kv - JETSPEC_PREFIX < JETSPEC_ANCESTORS.length && JETSPEC_ANCESTORS[q][kv - JETSPEC_PREFIX]),
  // queries are sampled blocks; keys are the prefix, then the same blocks
  jetspec_training: (_b, _h, q, kv) => {
    if (kv < JETSPEC_PREFIX) return true;
    const k = kv - JETSPEC_PREFIX;
    const sameBlock = Math.floor(q / JETSPEC_BLOCK) === Math.floor(k / JETSPEC_BLOCK);
    return sameBlock && k % JETSPEC_BLOCK <= q % JETSPEC_BLOCK;
  },
  relative_position: everything,
  head_bias: everything,
  alibi: causal,
  soft_cap: everything,
};

const SCORE_RULES: Record<string, ScoreRule> = {
  relative_position: (s, _b, _h, q, kv) => s + (q - kv),
  head_bias: (s, _b, h) => s + 2 * h,
  alibi: (s, _b, h, q, kv) => s + (kv - q) * Math.pow(2, (-8 * (h + 1)) / 8),
  soft_cap: (s) => 30 * Math.tanh(s / 30),
};

/** Rows of '0'/'1' per (b, h, q), so a failure shows which rows differ. */
function denseRows(preset: Preset, allows: MaskRule): string[] {
  const { B, H, Q, KV } = preset.example;
  const rows: string[] = [];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let q = 0; q < Q; q++) {
        let row = `b${b} h${h} q${q} `;
        for (let kv = 0; kv < KV; kv++) row += allows(b, h, q, kv) ? '1' : '0';
        rows.push(row);
      }
    }
  }
  return rows;
}

/** mulberry32: small, seedable, good enough for test scores. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Date.now() % 2 ** 31;

describe('preset catalogue', () => {
  it('has unique ids, one-line descriptions and titles', () => {
    const ids = PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const preset of PRESETS) {
      expect(preset.id, preset.id).toMatch(/^[a-z0-9_]+$/);
      expect(preset.title.trim().length, preset.id).toBeGreaterThan(0);
      expect(preset.description.trim().length, preset.id).toBeGreaterThan(0);
      expect(preset.description, preset.id).not.toMatch(/[\r\n]/);
    }
  });

  it('offers every mask of docs/presets.md, each with a rule here', () => {
    expect(PRESETS.map((p) => p.id).sort()).toEqual(Object.keys(MASK_RULES).sort());
    expect(
      PRESETS.filter((p) => p.kind === 'score')
        .map((p) => p.id)
        .sort(),
    ).toEqual(Object.keys(SCORE_RULES).sort());
  });

  it('loads each source verbatim from presets/<id>.py through ?raw', () => {
    for (const preset of PRESETS) {
      const file = readFileSync(new URL(`./presets/${preset.id}.py`, import.meta.url), 'utf8');
      expect(preset.source, preset.id).toBe(file);
    }
  });

  it('finds presets by id', () => {
    for (const preset of PRESETS) expect(presetById(preset.id)).toBe(preset);
    expect(presetById('no_such_preset')).toBeUndefined();
  });
});

describe.each(PRESETS.map((p) => [p.id, p] as const))('preset %s', (id, preset) => {
  it('compiles, with the parameters the catalogue lists and a score_mod iff it is a score preset', () => {
    const program = compile(preset.source);
    expect(Object.fromEntries(program.params.map((p) => [p.name, p.value]))).toEqual(preset.params);
    expect(program.hasScoreMod).toBe(preset.kind === 'score');
  });

  it('gives its rule’s dense mask at its example settings', () => {
    const program = compile(preset.source);
    const actual = denseRows(preset, (b, h, q, kv) => program.mask(b, h, q, kv));
    expect(actual).toEqual(denseRows(preset, MASK_RULES[id]));
    if (preset.kind === 'mask') {
      // a mask preset that allows everything or nothing shows nothing
      const cells = actual.map((row) => row.split(' ')[3]).join('');
      expect(cells).toMatch(/1/);
      expect(cells).toMatch(/0/);
    }
  });
});

describe.each(PRESETS.filter((p) => p.kind === 'score').map((p) => [p.id, p] as const))(
  'score preset %s',
  (id, preset) => {
    it('gives its rule’s score_mod on random scores', () => {
      const program = compile(preset.source);
      const random = seededRandom(SEED);
      const rule = SCORE_RULES[id];
      const { B, H, Q, KV } = preset.example;
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < H; h++) {
          for (let q = 0; q < Q; q++) {
            for (let kv = 0; kv < KV; kv++) {
              const score = (random() - 0.5) * 200;
              const where = `seed ${SEED}, score ${score}, b ${b} h ${h} q ${q} kv ${kv}`;
              expect(program.score(score, b, h, q, kv), where).toBeCloseTo(
                rule(score, b, h, q, kv),
                9,
              );
            }
          }
        }
      }
    });
  },
);
