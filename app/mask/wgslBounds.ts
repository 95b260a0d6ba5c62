/**
 * The bounds back end, as WGSL: `mask_mod_bounds`, the twin of bounds.ts's `boundsOf`. It is
 * appended to the program's WGSL and uses its `fm_params` / `fm_tensors` bindings, but none of its
 * helpers (which are printed only when the program needs them): every helper here is its own,
 * prefixed `fm_bi_` (on interval bounds, vec2<i32>(lo, hi)) or `fm_bt_` (on tri-states, u32 0 / 1 /
 * 2). Each helper computes exactly what the function of the same name in bounds.ts computes; the
 * rules are chosen in one place, bounds.ts's `abstractNode`, for both.
 */
import type { CheckedProgram } from './eval/program';
import {
  abstractNode,
  PRODUCT_LIMIT,
  SCAN_LIMIT,
  SMALL_LIMIT,
  type AbstractValue,
  type BoundsDomain,
} from './bounds';
import { MAX_TENSOR_RANK, sharedNodes, type Ir } from './ir';
import { formatI32 } from './wgsl';

const I32_MIN_TEXT = '(-2147483647i - 1i)';

/** Every helper, by name; only those the program uses are printed, in this order. */
const HELPERS: Record<string, string> = {
  fm_bi_top: `// Bounds of an i32 are vec2(lo, hi), inclusive; the whole i32 range means unknown.
fn fm_bi_top() -> vec2<i32> {
  return vec2<i32>(-2147483647i - 1i, 2147483647i);
}`,
  fm_bi_point: `fn fm_bi_point(x: i32) -> vec2<i32> {
  return vec2<i32>(x, x);
}`,
  fm_bi_small: `// Bounds within +-(2^30 - 1): a sum or difference of two of them cannot overflow.
fn fm_bi_small(a: vec2<i32>) -> bool {
  return a.x >= -${SMALL_LIMIT}i && a.y <= ${SMALL_LIMIT}i;
}`,
  fm_bi_add: `fn fm_bi_add(a: vec2<i32>, b: vec2<i32>) -> vec2<i32> {
  if (!fm_bi_small(a) || !fm_bi_small(b)) { return fm_bi_top(); }
  return vec2<i32>(a.x + b.x, a.y + b.y);
}`,
  fm_bi_sub: `fn fm_bi_sub(a: vec2<i32>, b: vec2<i32>) -> vec2<i32> {
  if (!fm_bi_small(a) || !fm_bi_small(b)) { return fm_bi_top(); }
  return vec2<i32>(a.x - b.y, a.y - b.x);
}`,
  fm_bi_neg: `// -i32_min wraps to itself.
fn fm_bi_neg(a: vec2<i32>) -> vec2<i32> {
  if (a.x == ${I32_MIN_TEXT}) { return fm_bi_top(); }
  return vec2<i32>(-a.y, -a.x);
}`,
  fm_bi_mul: `// Corner products, only when |a| * |b| <= 2^30 (checked by division: no 64-bit math).
fn fm_bi_mul(a: vec2<i32>, b: vec2<i32>) -> vec2<i32> {
  if (a.x == ${I32_MIN_TEXT} || b.x == ${I32_MIN_TEXT}) { return fm_bi_top(); }
  let ma = max(abs(a.x), abs(a.y));
  let mb = max(abs(b.x), abs(b.y));
  if (ma != 0i && mb > ${PRODUCT_LIMIT}i / ma) { return fm_bi_top(); }
  let p = vec4<i32>(a.x * b.x, a.x * b.y, a.y * b.x, a.y * b.y);
  return vec2<i32>(min(min(p.x, p.y), min(p.z, p.w)), max(max(p.x, p.y), max(p.z, p.w)));
}`,
  fm_bi_fdiv: `// Python's // for a divisor d >= 1.
fn fm_bi_fdiv(a: i32, d: i32) -> i32 {
  let q = a / d;
  if (q * d != a && a < 0i) { return q - 1i; }
  return q;
}`,
  fm_bi_fmod: `// Python's % for a divisor d >= 1.
fn fm_bi_fmod(a: i32, d: i32) -> i32 {
  let r = a % d;
  if (r < 0i) { return r + d; }
  return r;
}`,
  fm_bi_floordiv: `// a // d for d >= 1: monotone in a, and in d for a fixed sign of a.
fn fm_bi_floordiv(a: vec2<i32>, d: vec2<i32>) -> vec2<i32> {
  if (d.x < 1i) { return fm_bi_top(); }
  return vec2<i32>(min(fm_bi_fdiv(a.x, d.x), fm_bi_fdiv(a.x, d.y)), max(fm_bi_fdiv(a.y, d.x), fm_bi_fdiv(a.y, d.y)));
}`,
  fm_bi_mod: `// a % d for d >= 1: exact when a stays inside one period of one d.
fn fm_bi_mod(a: vec2<i32>, d: vec2<i32>) -> vec2<i32> {
  if (d.x < 1i) { return fm_bi_top(); }
  if (d.x == d.y && fm_bi_fdiv(a.x, d.x) == fm_bi_fdiv(a.y, d.x)) {
    return vec2<i32>(fm_bi_fmod(a.x, d.x), fm_bi_fmod(a.y, d.x));
  }
  if (a.x >= 0i) { return vec2<i32>(0i, min(d.y - 1i, a.y)); }
  return vec2<i32>(0i, d.y - 1i);
}`,
  fm_bi_shr1: `fn fm_bi_shr1(a: i32, n: i32) -> i32 {
  return a >> u32(min(n, 31i));
}`,
  fm_bi_shr: `// a >> n for n >= 0: floor(a / 2^n), monotone in a and in n.
fn fm_bi_shr(a: vec2<i32>, n: vec2<i32>) -> vec2<i32> {
  if (n.x < 0i) { return fm_bi_top(); }
  return vec2<i32>(min(fm_bi_shr1(a.x, n.x), fm_bi_shr1(a.x, n.y)), max(fm_bi_shr1(a.y, n.x), fm_bi_shr1(a.y, n.y)));
}`,
  fm_bi_smear: `// The smallest 2^k - 1 at or above x >= 0.
fn fm_bi_smear(x: i32) -> i32 {
  var s = x;
  s = s | (s >> 1u);
  s = s | (s >> 2u);
  s = s | (s >> 4u);
  s = s | (s >> 8u);
  s = s | (s >> 16u);
  return s;
}`,
  fm_bi_bitand: `// A non-negative operand bounds a & b to [0, that operand].
fn fm_bi_bitand(a: vec2<i32>, b: vec2<i32>) -> vec2<i32> {
  if (a.x >= 0i && b.x >= 0i) { return vec2<i32>(0i, min(a.y, b.y)); }
  if (a.x >= 0i) { return vec2<i32>(0i, a.y); }
  if (b.x >= 0i) { return vec2<i32>(0i, b.y); }
  return fm_bi_top();
}`,
  fm_bi_bitor: `fn fm_bi_bitor(a: vec2<i32>, b: vec2<i32>) -> vec2<i32> {
  if (a.x < 0i || b.x < 0i) { return fm_bi_top(); }
  return vec2<i32>(max(a.x, b.x), fm_bi_smear(max(a.y, b.y)));
}`,
  fm_bi_bitxor: `fn fm_bi_bitxor(a: vec2<i32>, b: vec2<i32>) -> vec2<i32> {
  if (a.x < 0i || b.x < 0i) { return fm_bi_top(); }
  return vec2<i32>(0i, fm_bi_smear(max(a.y, b.y)));
}`,
  fm_bi_bitnot: `fn fm_bi_bitnot(a: vec2<i32>) -> vec2<i32> {
  return vec2<i32>(~a.y, ~a.x);
}`,
  fm_bi_abs: `fn fm_bi_abs(a: vec2<i32>) -> vec2<i32> {
  if (a.x == ${I32_MIN_TEXT}) { return fm_bi_top(); }
  if (a.x >= 0i) { return a; }
  if (a.y <= 0i) { return vec2<i32>(-a.y, -a.x); }
  return vec2<i32>(0i, max(-a.x, a.y));
}`,
  fm_bi_pick: `// a if c else b: the branch when c is certain, else both.
fn fm_bi_pick(c: u32, a: vec2<i32>, b: vec2<i32>) -> vec2<i32> {
  if (c == 1u) { return a; }
  if (c == 0u) { return b; }
  return vec2<i32>(min(a.x, b.x), max(a.y, b.y));
}`,
  fm_bi_of_tri: `// A bool as the int 0 or 1.
fn fm_bi_of_tri(t: u32) -> vec2<i32> {
  if (t == 2u) { return vec2<i32>(0i, 1i); }
  return vec2<i32>(i32(t), i32(t));
}`,
  fm_bi_axis: `// The elements Python indices in [lo, hi] reach on an axis of length n: (first, last, 1 when
// an index may be out of range, which reads 0).
fn fm_bi_axis(lo: i32, hi: i32, n: i32) -> vec3<i32> {
  let miss = select(0i, 1i, lo < -n || hi > n - 1i);
  let clo = max(lo, -n);
  let chi = min(hi, n - 1i);
  if (clo > chi) { return vec3<i32>(0i, -1i, miss); }
  if (chi < 0i) { return vec3<i32>(clo + n, chi + n, miss); }
  if (clo >= 0i) { return vec3<i32>(clo, chi, miss); }
  return vec3<i32>(0i, n - 1i, miss);
}`,
  fm_bi_read: `// Bounds of t[i, j] over the index ranges, by scanning the slice (a 1-D tensor is one column):
// a possible miss adds 0, a slice of more than ${SCAN_LIMIT} elements is unknown.
fn fm_bi_read(offset: i32, n0: i32, n1: i32, i: vec2<i32>, j: vec2<i32>) -> vec2<i32> {
  let r = fm_bi_axis(i.x, i.y, n0);
  let c = fm_bi_axis(j.x, j.y, n1);
  if (r.x > r.y || c.x > c.y) { return vec2<i32>(0i, 0i); }
  if ((r.y - r.x + 1i) * (c.y - c.x + 1i) > ${SCAN_LIMIT}i) { return fm_bi_top(); }
  var lo = 2147483647i;
  var hi = ${I32_MIN_TEXT};
  if (r.z != 0i || c.z != 0i) {
    lo = 0i;
    hi = 0i;
  }
  for (var row = r.x; row <= r.y; row = row + 1i) {
    for (var col = c.x; col <= c.y; col = col + 1i) {
      let v = bitcast<i32>(fm_tensors[u32(offset + row * n1 + col)]);
      lo = min(lo, v);
      hi = max(hi, v);
    }
  }
  return vec2<i32>(lo, hi);
}`,
  fm_bi_read4: `// Bounds of t[i0, i1, i2, i3] as fm_bi_read, for 3-D and 4-D tensors (a 3-D one has a last
// axis of length 1): at most ${SCAN_LIMIT} elements are scanned.
fn fm_bi_read4(offset: i32, n0: i32, n1: i32, n2: i32, n3: i32, i0: vec2<i32>, i1: vec2<i32>, i2: vec2<i32>, i3: vec2<i32>) -> vec2<i32> {
  let s0 = fm_bi_axis(i0.x, i0.y, n0);
  let s1 = fm_bi_axis(i1.x, i1.y, n1);
  let s2 = fm_bi_axis(i2.x, i2.y, n2);
  let s3 = fm_bi_axis(i3.x, i3.y, n3);
  if (s0.x > s0.y || s1.x > s1.y || s2.x > s2.y || s3.x > s3.y) { return vec2<i32>(0i, 0i); }
  // Each extent is at most its axis length, so the product is at most the tensor's size.
  let cells = (s0.y - s0.x + 1i) * (s1.y - s1.x + 1i) * (s2.y - s2.x + 1i) * (s3.y - s3.x + 1i);
  if (cells > ${SCAN_LIMIT}i) { return fm_bi_top(); }
  var lo = 2147483647i;
  var hi = ${I32_MIN_TEXT};
  if (s0.z != 0i || s1.z != 0i || s2.z != 0i || s3.z != 0i) {
    lo = 0i;
    hi = 0i;
  }
  for (var a0 = s0.x; a0 <= s0.y; a0 = a0 + 1i) {
    for (var a1 = s1.x; a1 <= s1.y; a1 = a1 + 1i) {
      for (var a2 = s2.x; a2 <= s2.y; a2 = a2 + 1i) {
        for (var a3 = s3.x; a3 <= s3.y; a3 = a3 + 1i) {
          let v = bitcast<i32>(fm_tensors[u32(offset + ((a0 * n1 + a1) * n2 + a2) * n3 + a3)]);
          lo = min(lo, v);
          hi = max(hi, v);
        }
      }
    }
  }
  return vec2<i32>(lo, hi);
}`,
  fm_bt_lt: `// Tri-states: 0 certainly false, 1 certainly true, 2 unknown.
fn fm_bt_lt(a: vec2<i32>, b: vec2<i32>) -> u32 {
  if (a.y < b.x) { return 1u; }
  if (a.x >= b.y) { return 0u; }
  return 2u;
}`,
  fm_bt_le: `fn fm_bt_le(a: vec2<i32>, b: vec2<i32>) -> u32 {
  if (a.y <= b.x) { return 1u; }
  if (a.x > b.y) { return 0u; }
  return 2u;
}`,
  fm_bt_eq: `fn fm_bt_eq(a: vec2<i32>, b: vec2<i32>) -> u32 {
  if (a.x == a.y && b.x == b.y && a.x == b.x) { return 1u; }
  if (a.y < b.x || b.y < a.x) { return 0u; }
  return 2u;
}`,
  fm_bt_not: `fn fm_bt_not(a: u32) -> u32 {
  if (a == 2u) { return 2u; }
  return 1u - a;
}`,
  fm_bt_and: `fn fm_bt_and(a: u32, b: u32) -> u32 {
  if (a == 0u || b == 0u) { return 0u; }
  if (a == 1u && b == 1u) { return 1u; }
  return 2u;
}`,
  fm_bt_or: `fn fm_bt_or(a: u32, b: u32) -> u32 {
  if (a == 1u || b == 1u) { return 1u; }
  if (a == 0u && b == 0u) { return 0u; }
  return 2u;
}`,
  fm_bt_xor: `fn fm_bt_xor(a: u32, b: u32) -> u32 {
  if (a == 2u || b == 2u) { return 2u; }
  return a ^ b;
}`,
  fm_bt_pick: `fn fm_bt_pick(c: u32, a: u32, b: u32) -> u32 {
  if (c == 1u) { return a; }
  if (c == 0u) { return b; }
  if (a == b) { return a; }
  return 2u;
}`,
  fm_bt_truth: `// Truth of an int (or of a bool tensor's 0/1 elements).
fn fm_bt_truth(a: vec2<i32>) -> u32 {
  if (a.x == 0i && a.y == 0i) { return 0u; }
  if (a.x > 0i || a.y < 0i) { return 1u; }
  return 2u;
}`,
};

/** Helpers each helper calls. */
const HELPER_NEEDS: Record<string, string[]> = {
  fm_bi_add: ['fm_bi_small', 'fm_bi_top'],
  fm_bi_sub: ['fm_bi_small', 'fm_bi_top'],
  fm_bi_neg: ['fm_bi_top'],
  fm_bi_mul: ['fm_bi_top'],
  fm_bi_floordiv: ['fm_bi_fdiv', 'fm_bi_top'],
  fm_bi_mod: ['fm_bi_fdiv', 'fm_bi_fmod', 'fm_bi_top'],
  fm_bi_shr: ['fm_bi_shr1', 'fm_bi_top'],
  fm_bi_bitand: ['fm_bi_top'],
  fm_bi_bitor: ['fm_bi_smear', 'fm_bi_top'],
  fm_bi_bitxor: ['fm_bi_smear', 'fm_bi_top'],
  fm_bi_abs: ['fm_bi_top'],
  fm_bi_read: ['fm_bi_axis', 'fm_bi_top'],
  fm_bi_read4: ['fm_bi_axis', 'fm_bi_top'],
};

const ARG_RANGE = {
  b: 'fm_bi_point(fm_b)',
  h: 'fm_bi_point(fm_h)',
  q_idx: 'vec2<i32>(fm_q_lo, fm_q_hi)',
  kv_idx: 'vec2<i32>(fm_kv_lo, fm_kv_hi)',
} as const;

function paramWord(index: number): string {
  return `fm_params[${index >> 2}][${index & 3}]`;
}

/** The WGSL domain: each operation is the text of a call to its helper. */
function wgslDomain(
  program: CheckedProgram,
  use: (helper: string) => void,
): BoundsDomain<string, string> {
  const call =
    (helper: string) =>
    (...args: string[]): string => {
      use(helper);
      return `${helper}(${args.join(', ')})`;
    };
  return {
    // A getter: the helper is printed only when some rule falls back to it.
    get top() {
      use('fm_bi_top');
      return 'fm_bi_top()';
    },
    unknown: '2u',
    int: (v) => `vec2<i32>(${formatI32(v)}, ${formatI32(v)})`,
    bool: (v) => (v ? '1u' : '0u'),
    arg: (name) => {
      if (name === 'b' || name === 'h') use('fm_bi_point');
      return ARG_RANGE[name];
    },
    intParam: (k) => call('fm_bi_point')(`bitcast<i32>(${paramWord(k)})`),
    boolParam: (k) => `select(0u, 1u, ${paramWord(k)} != 0u)`,
    read: (k, idx) => {
      const t = program.tensors[k];
      const rank = t.shape.length;
      if (rank < 1 || rank > MAX_TENSOR_RANK || idx.length !== rank) {
        throw new Error(`a read of a ${rank}-D tensor with ${idx.length} indices`);
      }
      // Missing trailing axes have length 1 and index 0: a 1-D tensor reads as one column of
      // fm_bi_read, a 3-D one as 4-D with a last axis of 1. The offsets come out the same.
      const width = rank <= 2 ? 2 : 4;
      const dims = Array.from({ length: width }, (_, a) => formatI32(a < rank ? t.shape[a] : 1));
      const ranges = Array.from({ length: width }, (_, a) =>
        a < rank ? idx[a] : 'vec2<i32>(0i, 0i)',
      );
      return call(rank <= 2 ? 'fm_bi_read' : 'fm_bi_read4')(
        formatI32(t.offset),
        ...dims,
        ...ranges,
      );
    },
    add: call('fm_bi_add'),
    sub: call('fm_bi_sub'),
    mul: call('fm_bi_mul'),
    floorDiv: call('fm_bi_floordiv'),
    mod: call('fm_bi_mod'),
    shr: call('fm_bi_shr'),
    bitAnd: call('fm_bi_bitand'),
    bitOr: call('fm_bi_bitor'),
    bitXor: call('fm_bi_bitxor'),
    neg: call('fm_bi_neg'),
    bitNot: call('fm_bi_bitnot'),
    abs: call('fm_bi_abs'),
    // WGSL's min and max on vec2 work per component: exactly the interval rules.
    min: (a, b) => `min(${a}, ${b})`,
    max: (a, b) => `max(${a}, ${b})`,
    pick: call('fm_bi_pick'),
    lt: call('fm_bt_lt'),
    le: call('fm_bt_le'),
    eq: call('fm_bt_eq'),
    not: call('fm_bt_not'),
    and: call('fm_bt_and'),
    or: call('fm_bt_or'),
    xor: call('fm_bt_xor'),
    pickTri: call('fm_bt_pick'),
    truth: call('fm_bt_truth'),
    triToInt: call('fm_bi_of_tri'),
  };
}

const HEADER =
  'fn mask_mod_bounds(fm_b: i32, fm_h: i32, fm_q_lo: i32, fm_q_hi: i32, fm_kv_lo: i32, fm_kv_hi: i32) -> u32';

/**
 * `mask_mod_bounds` and its helpers: WGSL to append to the program's WGSL. It returns 0 when
 * mask_mod is False for every q in [q_lo, q_hi] and kv in [kv_lo, kv_hi], 1 when True for all,
 * 2 when unknown. Like the program's WGSL, the text depends only on the program's structure.
 */
export function emitWgslBounds(program: CheckedProgram): string {
  const used = new Set<string>();
  const use = (helper: string): void => {
    used.add(helper);
    for (const need of HELPER_NEEDS[helper] ?? []) used.add(need);
  };
  const domain = wgslDomain(program, use);
  const lines: string[] = [];
  let result = '1u';
  const root = program.mask;
  if (root !== undefined) {
    const names = new Map<number, AbstractValue<string, string>>();
    const visit = (node: Ir): AbstractValue<string, string> =>
      names.get(node.id) ?? abstractNode(node, visit, domain);
    sharedNodes(root).forEach((node, k) => {
      const value = abstractNode(node, visit, domain);
      if (value === null) return;
      const name = `fm_w${k}`;
      const isInt = 'int' in value;
      const text = isInt ? value.int : value.tri;
      lines.push(`  let ${name}: ${isInt ? 'vec2<i32>' : 'u32'} = ${text};`);
      names.set(node.id, isInt ? { int: name } : { tri: name });
    });
    const value = visit(root);
    result = value !== null && 'tri' in value ? value.tri : '2u';
  }
  lines.push(`  return ${result};`);
  const helpers = Object.keys(HELPERS)
    .filter((name) => used.has(name))
    .map((name) => HELPERS[name]);
  const fn = `// mask_mod over a box of positions: 0 False everywhere, 1 True everywhere, 2 unknown.
${HEADER} {
${lines.join('\n')}
}`;
  return [...helpers, fn].join('\n\n') + '\n';
}
