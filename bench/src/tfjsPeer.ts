/**
 * TensorFlow.js on its WebGPU backend, doing attention the way a tfjs user writes it:
 * matMul(q * scale, k^T), add the mask bias, softmax, matMul with v. Inputs stay in
 * flexmask's [B, H, S, D] layout (tfjs batches the leading axes).
 */
import type * as Tf from '@tensorflow/tfjs-core';
import type { AttentionInputs, AttentionShape } from '../../app/problem';
import type { AdditiveBias } from './bias';
import type { PeerSession } from './peer';

type TfModule = typeof Tf;
let loaded: Promise<TfModule> | null = null;

function loadTf(): Promise<TfModule> {
  loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) {
      throw new Error('TensorFlow.js could not start its WebGPU backend');
    }
    await tf.ready();
    return tf;
  })();
  // A failed start is reported once per case, and retried by the next.
  loaded.catch(() => {
    loaded = null;
  });
  return loaded;
}

export async function createTfjsSession(
  shape: AttentionShape,
  inputs: AttentionInputs,
  bias: AdditiveBias | null,
): Promise<PeerSession> {
  const tf = await loadTf();
  if (tf.getBackend() !== 'webgpu') throw new Error(`tfjs runs on ${tf.getBackend()}, not webgpu`);
  const { B, H, Q, KV, D, DV } = shape;
  const scale = shape.scale ?? 1 / Math.sqrt(D);
  const q = tf.tensor4d(inputs.q, [B, H, Q, D]);
  const k = tf.tensor4d(inputs.k, [B, H, KV, D]);
  const v = tf.tensor4d(inputs.v, [B, H, KV, DV]);
  const maskBias = bias ? tf.tensor4d(bias.values, [1, bias.heads, Q, KV]) : null;

  const attend = (): Tf.Tensor =>
    tf.tidy(() => {
      const scores = tf.matMul(tf.mul(q, scale), k, false, true);
      const probs = tf.softmax(maskBias ? tf.add(scores, maskBias) : scores);
      return tf.matMul(probs, v);
    });

  return {
    async run() {
      const out = attend();
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
    },
    // Already [B, H, Q, DV].
    toHeads: (out) => out,
    async release() {
      tf.dispose([q, k, v, ...(maskBias ? [maskBias] : [])]);
    },
  };
}
