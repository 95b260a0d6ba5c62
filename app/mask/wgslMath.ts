/**
 * WGSL helpers for the math functions WGSL lacks (erf, expm1, log1p, sigmoid, gelu) or computes
 * too loosely for the CPU back end to agree with (sin and cos: WGSL promises only 2^-11 absolute
 * on [-pi, pi]). wgsl.ts prints the ones a program uses. Each is plain f32 arithmetic on the
 * polynomials below; wgslMath.test.ts replays the same arithmetic in JavaScript (Math.fround after
 * every operation) and measures it against float64, so the accuracy each comment states is
 * measured, not hoped for. The coefficients were fitted (Chebyshev, then rounded to f32) for this
 * file; every one is an exact f32, printed so that WGSL reads back the same value.
 */
import { GELU_BETA, GELU_KAPPA } from './semantics';

/** erf(x) = x + x * R(x^2) for |x| < 1. */
export const ERF_SMALL = [
  0.12837916612625122, -0.3761262595653534, 0.11283594369888306, -0.02685421146452427,
  0.005189087241888046, -0.000801686430349946, 7.875874871388078e-5,
];

/** erfc(a) as a polynomial in a - c on [c - 0.5, c + 0.5), for c = 1.5, 2.5, 3.5. */
export const ERFC_PIECES: readonly { center: number; coefficients: number[] }[] = [
  {
    center: 1.5,
    coefficients: [
      0.0338948518037796, -0.11893028765916824, 0.17839542031288147, -0.13875210285186768,
      0.044599469751119614, 0.014869260601699352, -0.019333558157086372, 0.004709593951702118,
      0.002402188256382942, -0.0015553907724097371,
    ],
  },
  {
    center: 2.5,
    coefficients: [
      0.00040695187635719776, -0.002178284339606762, 0.005445737391710281, -0.008350086398422718,
      0.008621514774858952, -0.006117443088442087, 0.0028082390781491995, -0.000541381596121937,
      -0.0003063659823965281, 0.0002459379902575165,
    ],
  },
  {
    center: 3.5,
    coefficients: [
      7.431066251228913e-7, -5.399427209340502e-6, 1.8896336769103073e-5, -4.229541082167998e-5,
      6.777099042665213e-5, -8.21195135358721e-5, 7.714469393249601e-5, -5.815416807308793e-5,
      3.703946640598588e-5, -1.5531726603512652e-5,
    ],
  },
];

/** From here on erfc(a) < 2^-25, so erf rounds to +-1 in f32. */
export const ERF_ONE = 4;

/** sin(r) = r + r^3 * S(r^2) for |r| <= 0.8. */
export const SIN_POLY = [
  -0.1666666716337204, 0.008333331905305386, -0.0001983999682124704, 2.7238454549660673e-6,
];

/** cos(r) = 1 + r^2 * (-0.5 + r^2 * C(r^2)) for |r| <= 0.8. */
export const COS_POLY = [
  0.0416666679084301, -0.00138888880610466, 2.4800525352475233e-5, -2.7291383730698726e-7,
];

/** 2 / pi in f32, and pi / 2 in four pieces, the first three of 8 significant bits each. */
export const TWO_OVER_PI = 0.6366197466850281;
export const PI_OVER_2_PIECES = [
  1.5703125, 0.000484466552734375, -6.407499313354492e-7, 9.92093629470503e-10,
];
/** Past this |x|, k * piece is no longer exact: fm_sin / fm_cos fall back to WGSL's own. */
export const TRIG_REDUCE_LIMIT = 65536;

/** expm1(x) = x + x^2 * E(x) for |x| <= 0.5. */
export const EXPM1_POLY = [
  0.5, 0.1666666716337204, 0.0416666679084301, 0.008333333767950535, 0.001388867269270122,
  0.0001984107366297394, 2.4939732611528598e-5, 2.768285639831447e-6,
];

/** log1p(x) = 2s + s^3 * L(s^2) with s = x / (2 + x), for x in [-0.5, 1] (|s| <= 1/3). */
export const LOG1P_POLY = [
  0.6666666865348816, 0.4000000059604645, 0.2857148349285126, 0.22219312191009521,
  0.18255303800106049, 0.14446094632148743, 0.19065788388252258,
];

/** A finite f32 as a WGSL literal: the double's shortest text reads back as the same f32. */
function lit(v: number): string {
  const f = Math.fround(v);
  let text = String(Math.abs(f));
  if (!/[.e]/.test(text)) text += '.0';
  return f < 0 ? `(-${text}f)` : `${text}f`;
}

/** `c0 + v * (c1 + v * (...))`: Horner's rule, innermost first (wgslMath.test.ts replays it). */
export function hornerText(coefficients: readonly number[], v: string): string {
  let text = lit(coefficients[coefficients.length - 1]);
  for (let k = coefficients.length - 2; k >= 0; k -= 1) {
    text = `${lit(coefficients[k])} + ${v} * (${text})`;
  }
  return text;
}

function erfPieces(): string {
  return ERFC_PIECES.map(({ center, coefficients }, k) => {
    const open = k === 0 ? '  if' : ' else if';
    return `${open} (a < ${lit(center + 0.5)}) {
    let u = a - ${lit(center)};
    p = ${hornerText(coefficients, 'u')};
  }`;
  }).join('');
}

const [P0, P1, P2, P3] = PI_OVER_2_PIECES.map(lit);

/** Every math helper, by name, in the order wgsl.ts prints them. */
export const MATH_HELPERS: Record<string, string> = {
  fm_signf: `// torch.sign on a float: (0 < x) - (x < 0), so NaN gives 0 as in PyTorch.
fn fm_signf(x: f32) -> f32 {
  return select(select(0.0f, -1.0f, x < 0.0f), 1.0f, x > 0.0f);
}`,
  fm_reluf: `// torch.relu on a float: only x < 0 becomes 0 (NaN stays NaN).
fn fm_reluf(x: f32) -> f32 {
  return select(x, 0.0f, x < 0.0f);
}`,
  fm_sigmoid: `// torch.sigmoid without overflow: e = exp(-|x|) <= 1; 1 / (1 + e) for x >= 0, else e / (1 + e).
fn fm_sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  let d = 1.0f + e;
  return select(e / d, 1.0f / d, x >= 0.0f);
}`,
  fm_expm1: `// exp(x) - 1 without cancellation near 0: x + x^2 E(x) for |x| <= 0.5 (within 1 ulp).
fn fm_expm1(x: f32) -> f32 {
  if (abs(x) <= 0.5f) {
    return x + (x * x) * (${hornerText(EXPM1_POLY, 'x')});
  }
  return exp(x) - 1.0f;
}`,
  fm_log1p: `// log(1 + x) without cancellation near 0: 2 atanh(s), s = x / (2 + x), for x in [-0.5, 1]
// (within 2 ulp); beyond, 1 + x loses nothing that matters.
fn fm_log1p(x: f32) -> f32 {
  if (x >= -0.5f && x <= 1.0f) {
    let s = x / (2.0f + x);
    let t = s * s;
    return 2.0f * s + (s * t) * (${hornerText(LOG1P_POLY, 't')});
  }
  return log(1.0f + x);
}`,
  fm_erf: `// erf in f32 (WGSL has none), within 8e-8 absolute: x + x R(x^2) below 1, then 1 - erfc(|x|)
// with erfc a polynomial on each of [1, 2), [2, 3), [3, 4); +-1 from ${ERF_ONE} on.
fn fm_erf(x: f32) -> f32 {
  let a = abs(x);
  if (a < 1.0f) {
    let t = x * x;
    return x + x * (${hornerText(ERF_SMALL, 't')});
  }
  var p = 0.0f;
${erfPieces()} else if (a != a) {
    return x;
  }
  return select(p - 1.0f, 1.0f - p, x >= 0.0f);
}`,
  fm_gelu: `// torch's exact GELU in ATen's order: x * 0.5 * (1 + erf(x / sqrt(2))).
fn fm_gelu(x: f32) -> f32 {
  return (x * 0.5f) * (1.0f + fm_erf(x * ${lit(Math.SQRT1_2)}));
}`,
  fm_gelu_tanh: `// torch's GELU with approximate='tanh', in ATen's order.
fn fm_gelu_tanh(x: f32) -> f32 {
  let inner = ${lit(GELU_BETA)} * (x + ${lit(GELU_KAPPA)} * ((x * x) * x));
  return (0.5f * x) * (1.0f + fm_tanh(inner));
}`,
  fm_trig_reduce: `// x = k pi/2 + r with |r| <= about pi/4: returns (r, k). Each 8-bit piece of pi/2 times k is
// exact while |k| < 2^16, so r is accurate to about 1e-10 for |x| <= ${TRIG_REDUCE_LIMIT}.
fn fm_trig_reduce(x: f32) -> vec2<f32> {
  let k = round(x * ${lit(TWO_OVER_PI)});
  var r = x - k * ${P0};
  r = r - k * ${P1};
  r = r - k * ${P2};
  r = r - k * ${P3};
  return vec2<f32>(r, k);
}`,
  fm_sin_poly: `// sin and cos of a reduced argument, |r| <= 0.8.
fn fm_sin_poly(r: f32) -> f32 {
  let t = r * r;
  return r + (r * t) * (${hornerText(SIN_POLY, 't')});
}`,
  fm_cos_poly: `fn fm_cos_poly(r: f32) -> f32 {
  let t = r * r;
  return 1.0f + t * ((-0.5f) + t * (${hornerText(COS_POLY, 't')}));
}`,
  fm_sin: `// sin within about 1e-7 absolute for |x| <= ${TRIG_REDUCE_LIMIT}: WGSL's own promises only 2^-11.
fn fm_sin(x: f32) -> f32 {
  if (abs(x) > ${lit(TRIG_REDUCE_LIMIT)}) { return sin(x); }
  let rk = fm_trig_reduce(x);
  let q = i32(rk.y) & 3i;
  if (q == 0i) { return fm_sin_poly(rk.x); }
  if (q == 1i) { return fm_cos_poly(rk.x); }
  if (q == 2i) { return -fm_sin_poly(rk.x); }
  return -fm_cos_poly(rk.x);
}`,
  fm_cos: `// cos, as fm_sin.
fn fm_cos(x: f32) -> f32 {
  if (abs(x) > ${lit(TRIG_REDUCE_LIMIT)}) { return cos(x); }
  let rk = fm_trig_reduce(x);
  let q = i32(rk.y) & 3i;
  if (q == 0i) { return fm_cos_poly(rk.x); }
  if (q == 1i) { return -fm_sin_poly(rk.x); }
  if (q == 2i) { return -fm_cos_poly(rk.x); }
  return fm_sin_poly(rk.x);
}`,
};

/** Helpers each math helper calls (fm_tanh is wgsl.ts's). */
export const MATH_HELPER_NEEDS: Record<string, string[]> = {
  fm_gelu: ['fm_erf'],
  fm_gelu_tanh: ['fm_tanh'],
  fm_sin: ['fm_trig_reduce', 'fm_sin_poly', 'fm_cos_poly'],
  fm_cos: ['fm_trig_reduce', 'fm_sin_poly', 'fm_cos_poly'],
};
