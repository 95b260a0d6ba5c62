/**
 * The caps a link is checked against. Shape sizes come from the one table in app/problem
 * (`SHAPE_FIELDS`), lowered by the device the page runs on; the rest bound the link's text
 * before anything is parsed.
 */
import {
  lowerShapeLimits,
  MAX_CODE_CHARS,
  SHAPE_MAXIMA,
  type ShapeKey,
  type ShapeLimits,
} from '../problem';

export interface UrlLimits {
  /** The largest value of each shape size (the same limits the shape controls show). */
  shape: ShapeLimits;
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
  shape: SHAPE_MAXIMA,
  maxCodeChars: MAX_CODE_CHARS,
  maxHashChars: 1 << 20,
  maxInflatedBytes: 1 << 20,
});

/**
 * Most parameters (`key=value` segments, or keys of a scenario file) read at all. The fullest
 * link names 24 keys; a link of tens of thousands of made-up keys would otherwise cost the main
 * thread a quarter of a second to split and report (10,000 keys: 20-40 ms).
 */
export const MAX_LINK_PARAMS = 1000;

/** What may lower the default caps: a device's shape limits, or (in tests) smaller text caps. */
export interface TighterLimits {
  shape?: Partial<Record<ShapeKey, number>>;
  maxHashChars?: number;
  maxInflatedBytes?: number;
}

/**
 * Limits no looser than `base` and no looser than `tighter`. A limit can only go down: values
 * that are missing, not finite, or above the base are ignored. Each cap stays at least 1 (a shape
 * size at least its minimum).
 */
export function tightenLimits(
  tighter: TighterLimits,
  base: Readonly<UrlLimits> = DEFAULT_URL_LIMITS,
): UrlLimits {
  const pick = (wanted: number | undefined, current: number): number =>
    typeof wanted === 'number' && Number.isFinite(wanted)
      ? Math.max(1, Math.min(current, Math.floor(wanted)))
      : current;
  return {
    shape: lowerShapeLimits(tighter.shape ?? {}, base.shape),
    maxCodeChars: base.maxCodeChars,
    maxHashChars: pick(tighter.maxHashChars, base.maxHashChars),
    maxInflatedBytes: pick(tighter.maxInflatedBytes, base.maxInflatedBytes),
  };
}
