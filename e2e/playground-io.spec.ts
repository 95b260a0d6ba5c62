import { expect, test, type Download, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finishedRuns, hoverCell, openPlayground, waitForRunAfter, watchErrors } from './helpers';
import { createBlockMask, flexAttention } from '../app/reference';
import { parseNpy, writeNpy } from '../app/tensors/npy';
import { randomInputs } from '../app/tensors/random';
import type { AttentionInputs, AttentionShape } from '../app/problem';
import { blockMaskJson } from '../app/state/exports';

// Uploads and exports, read back and compared with numbers computed here, in Node, with the
// float64 reference (app/reference) on the same inputs.

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

async function download(
  page: Page,
  buttonName: string,
): Promise<{ file: Download; bytes: Buffer }> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: buttonName, exact: true }).click(),
  ]);
  const path = await file.path();
  return { file, bytes: readFileSync(path) };
}

async function downloadNpy(page: Page, what: string) {
  const { bytes } = await download(page, `Download ${what} as .npy`);
  return parseNpy(new Uint8Array(bytes));
}

/** The default example's mask: causal, and neither token among the last 3 (padding). */
const paddedCausal = (_b: number, _h: number, q: number, kv: number) => q >= kv && q < 7 && kv < 7;

/** Raw scores q.k * scale of (b, h), -inf where the mask says no. */
function expectedScores(inputs: AttentionInputs, shape: AttentionShape, b: number, h: number) {
  const { H, HKV, Q, KV, D } = shape;
  const hkv = Math.floor(h / (H / HKV));
  const out: number[] = [];
  for (let q = 0; q < Q; q++) {
    for (let kv = 0; kv < KV; kv++) {
      let s = 0;
      for (let d = 0; d < D; d++) {
        s +=
          inputs.q[((b * H + h) * Q + q) * D + d] * inputs.k[((b * HKV + hkv) * KV + kv) * D + d];
      }
      out.push(paddedCausal(b, h, q, kv) ? s / Math.sqrt(D) : -Infinity);
    }
  }
  return out;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (want[i] === -Infinity || got[i] === -Infinity) {
      expect(got[i], `${what}[${i}]`).toBe(want[i]);
    } else {
      expect(Math.abs(got[i] - want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThan(
        tol,
      );
    }
  }
}

const DEFAULT_SHAPE: AttentionShape = {
  B: 1,
  H: 8,
  HKV: 8,
  Q: 10,
  KV: 10,
  D: 8,
  DV: 8,
  blockQ: 128,
  blockKV: 128,
};

test.describe('exports', () => {
  test('arrays, BlockMask and hover values match the reference on the same inputs', async ({
    page,
  }) => {
    const errors = watchErrors(page);
    await openPlayground(page);
    const inputs = randomInputs(DEFAULT_SHAPE, 0);

    const scores = await downloadNpy(page, 'scores');
    expect(scores.shape).toEqual([10, 10]);
    const wantScores = expectedScores(inputs, DEFAULT_SHAPE, 0, 0);
    expectClose(scores.data, wantScores, 1e-4, 'scores');

    const blockMask = createBlockMask(paddedCausal, 1, 1, 10, 10, 128, 128);
    const reference = flexAttention(inputs, DEFAULT_SHAPE, paddedCausal, null, blockMask);
    const out = await downloadNpy(page, 'out');
    expect(out.shape).toEqual([1, 8, 10, 8]);
    expectClose(out.data, reference.out, 1e-4, 'out');
    const lse = await downloadNpy(page, 'lse');
    expect(lse.shape).toEqual([1, 8, 10]);
    expectClose(lse.data, reference.lse, 1e-4, 'lse');

    const probs = await downloadNpy(page, 'probabilities');
    expect(probs.shape).toEqual([10, 10]);
    for (let q = 0; q < 10; q++) {
      let sum = 0;
      for (let kv = 0; kv < 10; kv++) {
        const p = probs.data[q * 10 + kv];
        sum += p;
        const want =
          wantScores[q * 10 + kv] === -Infinity
            ? 0
            : Math.exp(wantScores[q * 10 + kv] - reference.lse[q]);
        expect(Math.abs(p - want), `probs[${q}, ${kv}]`).toBeLessThan(1e-4);
      }
      expect(sum, `row ${q} sums to 1 unless it sees nothing`).toBeCloseTo(q < 7 ? 1 : 0, 4);
    }

    // The readout shows the same numbers for the cell under the pointer.
    for (const [row, col] of [
      [3, 1],
      [6, 6],
      [8, 2],
    ] as const) {
      await hoverCell(page, row, col);
      await expect(page.getByTestId('hover-q')).toHaveText(String(row));
      await expect(page.getByTestId('hover-kv')).toHaveText(String(col));
      const score = (await page.getByTestId('hover-score').textContent()) ?? '';
      const want = wantScores[row * 10 + col];
      if (want === -Infinity) expect(score).toBe('-inf');
      else expect(Math.abs(Number(score) - want)).toBeLessThan(1e-3 * Math.max(1, Math.abs(want)));
      const prob = Number(await page.getByTestId('hover-prob').textContent());
      expect(Math.abs(prob - probs.data[row * 10 + col])).toBeLessThan(1e-3);
      await expect(page.getByTestId('hover-mask')).toHaveText(
        paddedCausal(0, 0, row, col) ? 'True' : 'False',
      );
      await expect(page.getByTestId('hover-block')).toHaveText('partial');
    }

    const { bytes: json, file } = await download(page, 'Download BlockMask as JSON');
    expect(file.suggestedFilename()).toBe('flexmask_block_mask.json');
    const parsed = JSON.parse(json.toString('utf-8'));
    expect(Object.keys(parsed).sort()).toEqual(
      [
        'BLOCK_SIZE',
        'full_kv_indices',
        'full_kv_num_blocks',
        'full_q_indices',
        'full_q_num_blocks',
        'kv_indices',
        'kv_num_blocks',
        'q_indices',
        'q_num_blocks',
        'seq_lengths',
      ].sort(),
    );
    expect(parsed).toEqual(JSON.parse(JSON.stringify(blockMaskJson(blockMask))));
    expect(parsed.kv_num_blocks).toEqual([[[1]]]);
    expect(parsed.full_kv_num_blocks).toEqual([[[0]]]);
    expect(parsed.BLOCK_SIZE).toEqual([128, 128]);
    expect(parsed.seq_lengths).toEqual([10, 10]);
    expect(errors).toEqual([]);
  });

  test('PNG at 3x and SVG hold the whole figure', async ({ page }) => {
    const errors = watchErrors(page);
    await openPlayground(page);
    const png = await download(page, 'Download Scores picture as PNG');
    expect(png.file.suggestedFilename()).toMatch(/\.png$/);
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const width = png.bytes.readUInt32BE(16);
    const height = png.bytes.readUInt32BE(20);
    // A 3x export of a figure several hundred CSS pixels wide.
    expect(width).toBeGreaterThan(1800);
    expect(height).toBeGreaterThan(1500);
    expect(width % 3).toBe(0);
    mkdirSync('test-results/screens', { recursive: true });
    writeFileSync('test-results/screens/export-scores.png', png.bytes);

    const svg = await download(page, 'Download Scores picture as SVG');
    const text = svg.bytes.toString('utf-8');
    expect(text).toContain('<svg');
    expect(text).toContain('Causal And Padding');
    expect(text).toContain('Query Tokens');
    expect(text).toContain('Key Tokens');
    expect(text).toContain('KV9');
    expect(text).toContain('linearGradient');
    expect(text).toMatch(/<image[^>]+href="data:image\/png;base64,/);

    // The Blocks view exports too, with its legend.
    await page.getByRole('tab', { name: 'Blocks' }).click();
    const blocks = await download(page, 'Download Blocks picture as PNG');
    writeFileSync('test-results/screens/export-blocks.png', blocks.bytes);
    const blocksSvg = (await download(page, 'Download Blocks picture as SVG')).bytes.toString(
      'utf-8',
    );
    expect(blocksSvg).toContain('partial');
    expect(errors).toEqual([]);
  });

  test('PyTorch code: download and copy give the same text', async ({ page, context }) => {
    const errors = watchErrors(page);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openPlayground(page);
    const { bytes } = await download(page, 'Download PyTorch code as .py');
    const code = bytes.toString('utf-8');
    expect(code).toContain('create_block_mask');
    expect(code).toContain('def causal(b, h, q_idx, kv_idx)');
    await page.getByRole('button', { name: 'Copy PyTorch code' }).click();
    await expect(page.getByTestId('export-message')).toContainText('copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    expect(errors).toEqual([]);
  });
});

test.describe('uploads', () => {
  /** The fixtures are [1, 2, 10, 8]: one batch item, two heads. */
  async function useFixtureShape(page: Page) {
    const before = await finishedRuns(page);
    await page.getByTestId('shape-H').fill('2');
    await page.getByTestId('shape-HKV').fill('2');
    await waitForRunAfter(page, before);
  }

  async function upload(page: Page, input: 'q' | 'k' | 'v', name: string, buffer?: Buffer) {
    await page.getByTestId(`upload-input-${input}`).setInputFiles({
      name,
      mimeType: 'application/octet-stream',
      buffer: buffer ?? fixture(name),
    });
  }

  function fixtureInputs(): AttentionInputs {
    const read = (name: string) => Float32Array.from(parseNpy(new Uint8Array(fixture(name))).data);
    return { q: read('q.npy'), k: read('k.npy'), v: read('v.npy') };
  }

  const SHAPE: AttentionShape = { ...DEFAULT_SHAPE, H: 2, HKV: 2 };

  test('Q, K, V written by NumPy give the numbers the reference gives', async ({ page }) => {
    const errors = watchErrors(page);
    await openPlayground(page);
    await useFixtureShape(page);
    let before = await finishedRuns(page);
    await upload(page, 'q', 'q.npy');
    await waitForRunAfter(page, before);
    before = await finishedRuns(page);
    await upload(page, 'k', 'k.npy');
    await waitForRunAfter(page, before);
    before = await finishedRuns(page);
    await upload(page, 'v', 'v.npy');
    await waitForRunAfter(page, before);
    await expect(page.getByTestId('upload-name-q')).toContainText('q.npy');
    await expect(page.getByTestId('upload-name-q')).toContainText('[1, 2, 10, 8]');

    const inputs = fixtureInputs();
    // Head 1, to check the head is taken from the file, not from head 0.
    before = await finishedRuns(page);
    await page.getByTestId('view-h').fill('1');
    await waitForRunAfter(page, before);
    const scores = await downloadNpy(page, 'scores');
    expectClose(scores.data, expectedScores(inputs, SHAPE, 0, 1), 1e-4, 'scores of head 1');
    const blockMask = createBlockMask(paddedCausal, 1, 1, 10, 10, 128, 128);
    const reference = flexAttention(inputs, SHAPE, paddedCausal, null, blockMask);
    const out = await downloadNpy(page, 'out');
    expectClose(out.data, reference.out, 1e-4, 'out');
    await page.locator('.inputs').screenshot({ path: 'test-results/screens/uploads.png' });
    expect(errors).toEqual([]);
  });

  test('layouts are inferred ([B,S,H,D], [H,S,D]) and .safetensors, float16 and float64 load', async ({
    page,
  }) => {
    const errors = watchErrors(page);
    await openPlayground(page);
    await useFixtureShape(page);
    const inputs = fixtureInputs();
    const want = expectedScores(inputs, SHAPE, 0, 0);
    // The expected scores use the fixtures' q and k: start from K = k.npy.
    const first = await finishedRuns(page);
    await upload(page, 'k', 'k.npy');
    await waitForRunAfter(page, first);
    const cases: ['q' | 'k' | 'v', string, string | null, number][] = [
      ['q', 'q_bshd.npy', '[B,S,H,D]', 1e-4],
      ['k', 'k_hsd_v2.npy', '[H,S,D]', 1e-4],
      ['q', 'q_f2.npy', '[B,H,S,D]', 2e-2],
      ['v', 'v_f8.npy', '[B,H,S,D]', 0],
      ['q', 'qkv.safetensors', '[B,H,S,D]', 1e-4],
      ['k', 'qkv.safetensors', '[B,H,S,D]', 1e-4],
    ];
    for (const [input, name, layout, tol] of cases) {
      const before = await finishedRuns(page);
      await upload(page, input, name);
      await waitForRunAfter(page, before);
      await expect(page.getByTestId(`upload-layout-${input}`)).toContainText(`Infer (${layout})`);
      await expect(page.getByTestId(`upload-error-${input}`)).toHaveCount(0);
      if (input !== 'v') {
        const scores = await downloadNpy(page, 'scores');
        expectClose(scores.data, want, tol, `scores with ${name} as ${input}`);
      }
    }
    // A layout can be chosen by hand; a wrong one is refused with the reason.
    await page.getByTestId('upload-layout-q').selectOption('BSHD');
    await expect(page.getByTestId('upload-error-q')).toContainText('[B,S,H,D]');
    expect(errors).toEqual([]);
  });

  test('every bad file shows its own error', async ({ page }) => {
    const errors = watchErrors(page);
    await openPlayground(page);
    await useFixtureShape(page);
    const ints = Buffer.from(
      writeNpy({ shape: [1, 2, 10, 8], dtype: '<i4', data: new Int32Array(160) }),
    );
    const cases: [string, Buffer | undefined, RegExp][] = [
      ['truncated.npy', undefined, /truncated\.npy: data is truncated/],
      ['big_endian.npy', undefined, /big_endian\.npy: .*big-endian/],
      ['fortran.npy', undefined, /fortran\.npy: fortran_order/],
      ['not_npy.npy', undefined, /not_npy\.npy: not a \.npy file/],
      ['ints.npy', ints, /ints\.npy: holds int32 values; Q, K and V must be floating point/],
      ['junk.safetensors', Buffer.from([1, 2, 3]), /junk\.safetensors: not a \.safetensors file/],
      [
        'ragged.json',
        Buffer.from('[[1, 2], [3]]'),
        /ragged\.json: the nested lists are not rectangular/,
      ],
      ['notes.txt', Buffer.from('hello'), /notes\.txt: unknown file type/],
    ];
    for (const [name, buffer, message] of cases) {
      await upload(page, 'q', name, buffer);
      await expect(page.getByTestId('upload-error-q')).toHaveText(message);
    }
    // The picture is still the random-input one, and the page still runs.
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');

    // A good file that does not fit the shape: a clear mismatch error, in the panel and status.
    let before = await finishedRuns(page);
    await upload(page, 'q', 'q.npy');
    await waitForRunAfter(page, before);
    before = await finishedRuns(page);
    await page.getByTestId('shape-Q').fill('12');
    await waitForRunAfter(page, before, 'error');
    await expect(page.getByTestId('upload-error-q')).toContainText('[1, 2, 10, 8]');
    await expect(page.getByTestId('upload-error-q')).toContainText('S=12');
    await expect(page.getByTestId('run-error')).toContainText('q.npy');
    await page.locator('.inputs').screenshot({ path: 'test-results/screens/upload-error.png' });
    // Removing the upload runs again with random Q.
    before = await finishedRuns(page);
    await page.getByRole('button', { name: 'Remove uploaded Q' }).click();
    await waitForRunAfter(page, before);
    expect(errors).toEqual([]);
  });
});
