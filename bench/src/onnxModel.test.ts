// The ONNX model the bench hands onnxruntime-web, run by ORT's CPU (WebAssembly) backend in Node
// and checked against the project's float64 flex attention reference: this proves the protobuf
// bytes, the op's input order and attributes, the layout changes and the bias, before any GPU.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, test } from 'vitest';
import { createBlockMask, flexAttention } from '../../app/reference';
import { compile } from '../../app/mask/compile';
import { randomInputs } from '../../app/tensors/random';
import type { AttentionShape } from '../../app/problem';
import { additiveBias } from './bias';
import { maskSource, type MaskId } from './cases';
import { MHA_OUTPUT, mhaFeeds, multiHeadAttentionModel } from './onnxModel';
import { maxRelativeError, packedToHeads } from './stats';

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
});

async function runMha(shape: AttentionShape, mask: MaskId, seed: number) {
  const { B, H, Q, KV, D, DV } = shape;
  const program = compile(maskSource(mask, Q, H));
  const inputs = randomInputs(shape, seed);
  const bias = mask === 'noop' ? null : additiveBias(program, H, Q, KV);
  const session = await ort.InferenceSession.create(
    multiHeadAttentionModel({
      B,
      H,
      Q,
      KV,
      D,
      DV,
      scale: 1 / Math.sqrt(D),
      biasHeads: bias ? bias.heads : null,
    }),
    { executionProviders: ['wasm'] },
  );
  const feeds: Record<string, ort.Tensor> = Object.fromEntries(
    mhaFeeds(shape, inputs, bias).map(({ name, data, dims }) => [
      name,
      new ort.Tensor('float32', data, dims),
    ]),
  );
  const output = (await session.run(feeds))[MHA_OUTPUT];
  await session.release();
  expect(output.dims).toEqual([B, Q, H * DV]);
  const got = packedToHeads(output.data as Float32Array, B, H, Q, DV);

  const blockMask = createBlockMask(program.mask, B, H, Q, KV, shape.blockQ, shape.blockKV);
  const scoreFn = program.hasScoreMod ? program.score.bind(program) : null;
  const want = flexAttention(inputs, shape, program.mask.bind(program), scoreFn, blockMask).out;
  return { got, want };
}

describe('the MultiHeadAttention model, on ORT CPU, equals the float64 reference', () => {
  // 40 tokens: lengths that are not multiples of the 16-token blocks, so edge blocks are exercised.
  const shape: AttentionShape = {
    B: 1,
    H: 2,
    HKV: 2,
    Q: 40,
    KV: 40,
    D: 8,
    DV: 8,
    blockQ: 16,
    blockKV: 16,
  };
  for (const mask of ['noop', 'causal', 'document', 'alibi'] as const) {
    test(mask, async () => {
      const seed = (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
      const { got, want } = await runMha(shape, mask, seed);
      const error = maxRelativeError(got, want);
      expect(error, `seed ${seed}`).toBeLessThan(1e-5);
    });
  }
});

describe('the model bytes', () => {
  test('start with ir_version 8 and name the contrib op and its domain', () => {
    const bytes = multiHeadAttentionModel({
      B: 1,
      H: 2,
      Q: 4,
      KV: 4,
      D: 2,
      DV: 2,
      scale: 0.5,
      biasHeads: 1,
    });
    // Field 1 (ir_version), varint: key byte 0x08 then the value.
    expect([bytes[0], bytes[1]]).toEqual([0x08, 8]);
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text).toContain('MultiHeadAttention');
    expect(text).toContain('com.microsoft');
    expect(text).toContain('num_heads');
  });
});
