/**
 * The caps a link's numbers are checked against. The defaults are sane caps that hold before a
 * GPU device exists; once the app knows the device it passes tighter ones via `tightenLimits`.
 */
import { DEFAULT_CODE } from '../state/scenario';

export interface UrlLimits {
  /** Largest batch size B. */
  maxB: number;
  /** Largest number of query heads H (and of key/value heads HKV). */
  maxH: number;
  /** Largest sequence length, for both Q and KV. */
  maxSeqLen: number;
  /** Largest head dimension, for both D and DV. */
  maxHeadDim: number;
  /** Largest block size, for both bq and bkv. */
  maxBlockSize: number;
  /** Longest program text, in UTF-16 code units (what `string.length` counts). */
  maxCodeChars: number;
  /** Longest hash (or JSON file text) read at all; longer ones are refused before any parsing. */
  maxHashChars: number;
  /** Most bytes a compressed `z=` link may unpack to; more is refused as a zip bomb. */
  maxInflatedBytes: number;
}

/**
 * Hash caps are sized so that every valid scenario still fits: 100,000 code units of CJK text
 * percent-encode to 900,000 characters, under 1 MiB.
 */
export const DEFAULT_URL_LIMITS: Readonly<UrlLimits> = Object.freeze({
  maxB: 8,
  maxH: 64,
  maxSeqLen: 16384,
  maxHeadDim: 256,
  maxBlockSize: 256,
  maxCodeChars: 100_000,
  maxHashChars: 1 << 20,
  maxInflatedBytes: 1 << 20,
});

/**
 * Limits no looser than `base` and no looser than `tighter` (for example derived from the GPU
 * device's buffer sizes). A limit can only go down: values that are missing, not finite, or
 * above the base are ignored. Each cap stays at least 1, and the code cap at least the default
 * program's length, so the default scenario always passes.
 */
export function tightenLimits(
  tighter: Partial<UrlLimits>,
  base: Readonly<UrlLimits> = DEFAULT_URL_LIMITS,
): UrlLimits {
  const pick = (key: keyof UrlLimits, floor: number): number => {
    const wanted = tighter[key];
    const current = base[key];
    if (typeof wanted !== 'number' || !Number.isFinite(wanted)) return current;
    return Math.max(floor, Math.min(current, Math.floor(wanted)));
  };
  return {
    maxB: pick('maxB', 1),
    maxH: pick('maxH', 1),
    maxSeqLen: pick('maxSeqLen', 1),
    maxHeadDim: pick('maxHeadDim', 1),
    maxBlockSize: pick('maxBlockSize', 1),
    maxCodeChars: pick('maxCodeChars', DEFAULT_CODE.length),
    maxHashChars: pick('maxHashChars', 1),
    maxInflatedBytes: pick('maxInflatedBytes', 1),
  };
}

/** The buffer limits of a WebGPU device that bound a scenario (plain numbers: no GPU import). */
export interface DeviceBufferLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

const F32_BYTES = 4;

/**
 * Caps a GPU device implies for any one field: the q input alone holds B * H * Q * D floats in
 * one buffer, so with every other size at 1 each of them must fit that buffer on its own. Real
 * devices bind at least 128 MiB, so these rarely bite; the engine checks whole shapes before a run.
 */
export function limitsForGpu(device: DeviceBufferLimits): Partial<UrlLimits> {
  const floats = Math.floor(
    Math.min(device.maxStorageBufferBindingSize, device.maxBufferSize) / F32_BYTES,
  );
  return { maxB: floats, maxH: floats, maxSeqLen: floats, maxHeadDim: floats };
}

/** Caps of the CPU fallback (no WebGPU): it computes sequences up to `maxSeqLen` long. */
export function limitsForCpu(maxSeqLen: number): Partial<UrlLimits> {
  return { maxSeqLen };
}
