import { inputLength, type AttentionInputs, type AttentionShape, type InputName } from '../problem';

/**
 * Seeded random numbers for the example Q, K, V. A share link stores only the seed, so the
 * stream must never change: tests pin its first values. Everything here is 32-bit integer
 * arithmetic (Math.imul, >>>) and so bit-exact in every engine; the normals go through Math.log,
 * Math.sqrt and Math.cos, which V8 (Node and Chromium) computes identically.
 */

/** A generator of uniform 32-bit unsigned integers: splitmix32 (a 32-bit SplitMix variant). */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export interface Random {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform float in [0, 1), 32 random bits. */
  nextFloat(): number;
  /** Uniform integer in [lo, hi] (both inclusive). */
  nextInt(lo: number, hi: number): number;
  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  nextNormal(): number;
}

export function createRandom(seed: number): Random {
  const next = splitmix32(seed);
  let spare: number | null = null;
  const nextFloat = (): number => next() / 4294967296;
  return {
    nextUint32: next,
    nextFloat,
    nextInt: (lo, hi) => lo + Math.floor(nextFloat() * (hi - lo + 1)),
    nextNormal: () => {
      if (spare !== null) {
        const value = spare;
        spare = null;
        return value;
      }
      // 1 - u lies in (0, 1], so the log is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - nextFloat()));
      const angle = 2 * Math.PI * nextFloat();
      spare = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
  };
}

/** `length` standard normals rounded to float32. */
export function randomNormals(length: number, seed: number): Float32Array {
  const random = createRandom(seed);
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = random.nextNormal();
  return values;
}

/** Mixes the user's seed with a stream number, so q, k and v get independent streams. */
function streamSeed(seed: number, stream: number): number {
  return splitmix32(Math.imul(seed >>> 0, 0x9e3779b1) ^ stream)();
}

const STREAM: Record<InputName, number> = { q: 1, k: 2, v: 3 };

/**
 * One seeded standard-normal input in [B, H, S, D] layout. Each tensor has its own stream, so q
 * depends only on the seed and q's own shape: changing KV or DV leaves q unchanged. Generating
 * one tensor alone (as the input worker does) gives exactly what `randomInputs` gives.
 */
export function randomInput(name: InputName, shape: AttentionShape, seed: number): Float32Array {
  return randomNormals(inputLength(name, shape), streamSeed(seed, STREAM[name]));
}

/** Seeded standard-normal Q, K, V in [B, H, S, D] layout (see `randomInput`). */
export function randomInputs(shape: AttentionShape, seed: number): AttentionInputs {
  return {
    q: randomInput('q', shape, seed),
    k: randomInput('k', shape, seed),
    v: randomInput('v', shape, seed),
  };
}

/** A bare stream of uniform floats in [0, 1) from one seed: the test-data generators' source. */
export function uniformFloats(seed: number): () => number {
  return createRandom(seed).nextFloat;
}
