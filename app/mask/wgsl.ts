/**
 * The WGSL back end. It prints only identifiers it makes (`fm_` + a counter or a fixed helper name)
 * and numbers it formats itself: no text of the user's program reaches the shader. The text depends
 * only on the program's structure (parameters are uniforms, tensors a storage buffer), so a slider
 * change reuses the same pipeline.
 */
import type { CheckedProgram } from './eval/program';
import { MAX_TENSOR_RANK, sharedNodes, type Ir, type IrOf, type MathFn } from './ir';
import { I32_MIN } from './semantics';
import { PROGRAM_BIND_GROUP, type ScalarType } from './types';
import { MATH_HELPER_NEEDS, MATH_HELPERS } from './wgslMath';

const ARG_NAMES = {
  b: 'fm_b',
  h: 'fm_h',
  q_idx: 'fm_q_idx',
  kv_idx: 'fm_kv_idx',
  score: 'fm_score',
} as const;

/** Every helper, by name; only those a program uses are printed, in this order. */
const HELPERS: Record<string, string> = {
  fm_f32_bits: `// Builds a float from its bits at run time (infinities and NaN are not valid WGSL constants).
fn fm_f32_bits(x: u32) -> f32 {
  return bitcast<f32>(x);
}`,
  fm_floordiv: `// Python's // on i32: rounds toward -inf; x // 0 is 0 (defined: Python raises).
fn fm_floordiv(a: i32, b: i32) -> i32 {
  if (b == 0i) { return 0i; }
  if (b == -1i) { return 0i - a; }
  let q = a / b;
  if (q * b != a && ((a < 0i) != (b < 0i))) { return q - 1i; }
  return q;
}`,
  fm_mod: `// Python's % on i32: takes the divisor's sign; x % 0 is 0 (defined: Python raises).
fn fm_mod(a: i32, b: i32) -> i32 {
  if (b == 0i || b == -1i) { return 0i; }
  let r = a % b;
  if (r != 0i && ((r < 0i) != (b < 0i))) { return r + b; }
  return r;
}`,
  fm_pow: powHelper(),
  fm_shl: `// Python's << wrapped to i32: a count of 32 or more gives 0; a negative count gives 0.
fn fm_shl(a: i32, n: i32) -> i32 {
  if (n < 0i || n >= 32i) { return 0i; }
  return a << u32(n);
}`,
  fm_shr: `// Python's >> (arithmetic); a negative count gives 0.
fn fm_shr(a: i32, n: i32) -> i32 {
  if (n < 0i) { return 0i; }
  return a >> u32(min(n, 31i));
}`,
  fm_floordivf: `fn fm_floordivf(a: f32, b: f32) -> f32 {
  return floor(a / b);
}`,
  fm_modf: `// torch.remainder: a - b * floor(a / b), the divisor's sign.
fn fm_modf(a: f32, b: f32) -> f32 {
  return a - b * floor(a / b);
}`,
  fm_powf: `// torch.pow on floats: a negative base needs an integral exponent (else NaN).
fn fm_powf(a: f32, b: f32) -> f32 {
  if (b == 0.0f) { return 1.0f; }
  if (a == 0.0f) { return select(fm_f32_bits(0x7f800000u), 0.0f, b > 0.0f); }
  if (a < 0.0f) {
    if (floor(b) != b) { return fm_f32_bits(0x7fc00000u); }
    let m = pow(-a, b);
    return select(m, -m, abs(b % 2.0f) == 1.0f);
  }
  return pow(a, b);
}`,
  fm_tanh: `// tanh saturates to +-1 in f32 well before 20; clamping keeps every implementation finite.
fn fm_tanh(x: f32) -> f32 {
  return tanh(clamp(x, -20.0f, 20.0f));
}`,
  fm_index: `// A Python index into an axis of length n: -n..n-1 count as in Python; anything else is -1.
fn fm_index(i: i32, n: i32) -> i32 {
  let j = select(i, i + n, i < 0i);
  return select(-1i, j, j >= 0i && j < n);
}`,
  fm_read1: `// One element of a 1-D tensor; out of range reads 0 (defined: PyTorch raises).
fn fm_read1(offset: i32, n0: i32, i: i32) -> u32 {
  let a = fm_index(i, n0);
  if (a < 0i) { return 0u; }
  return fm_tensors[u32(offset + a)];
}`,
  fm_read2: `// One element of a 2-D tensor, row-major; out of range reads 0.
fn fm_read2(offset: i32, n0: i32, n1: i32, i: i32, j: i32) -> u32 {
  let a = fm_index(i, n0);
  let c = fm_index(j, n1);
  if (a < 0i || c < 0i) { return 0u; }
  return fm_tensors[u32(offset + a * n1 + c)];
}`,
  fm_read3: readHelper(3),
  fm_read4: readHelper(4),
  ...MATH_HELPERS,
};

const HELPER_NEEDS: Record<string, string[]> = {
  fm_powf: ['fm_f32_bits'],
  fm_read1: ['fm_index'],
  fm_read2: ['fm_index'],
  fm_read3: ['fm_index'],
  fm_read4: ['fm_index'],
  ...MATH_HELPER_NEEDS,
};

/**
 * One element of a tensor of `rank` axes (3 or 4; 1 and 2 are written out above): every index
 * wrapped as in Python, the row-major offset by Horner's rule; any index out of range reads 0.
 */
function readHelper(rank: number): string {
  const axes = Array.from({ length: rank }, (_, k) => k);
  const dims = axes.map((k) => `n${k}: i32`).join(', ');
  const indices = axes.map((k) => `i${k}: i32`).join(', ');
  const wrapped = axes.map((k) => `  let a${k} = fm_index(i${k}, n${k});`).join('\n');
  const miss = axes.map((k) => `a${k} < 0i`).join(' || ');
  let flat = 'a0 * n1 + a1';
  for (let k = 2; k < rank; k += 1) flat = `(${flat}) * n${k} + a${k}`;
  return `// One element of a ${rank}-D tensor, row-major; out of range reads 0.
fn fm_read${rank}(offset: i32, ${dims}, ${indices}) -> u32 {
${wrapped}
  if (${miss}) { return 0u; }
  return fm_tensors[u32(offset + ${flat})];
}`;
}

function powHelper(): string {
  // Square-and-multiply over the 31 bits a non-negative i32 exponent has, unrolled (no loop).
  const steps: string[] = [];
  for (let bit = 0; bit < 31; bit += 1) {
    steps.push(`  r = select(r, r * p, (e & ${2 ** bit}u) != 0u);`);
    if (bit < 30) steps.push('  p = p * p;');
  }
  return `// i32 ** i32, wrapping like every i32 product; a negative exponent gives 0 (defined).
fn fm_pow(a: i32, n: i32) -> i32 {
  if (n < 0i) { return 0i; }
  let e = u32(n);
  var r = 1i;
  var p = a;
${steps.join('\n')}
  return r;
}`;
}

export function formatI32(v: number): string {
  if (v === I32_MIN) return '(-2147483647i - 1i)';
  return v < 0 ? `(-${-v}i)` : `${v}i`;
}

/** An f32 literal, or a call that builds the value when it is not a finite f32. */
export function formatF32(v: number, use: (helper: string) => void): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f)) {
    use('fm_f32_bits');
    if (Number.isNaN(f)) return 'fm_f32_bits(0x7fc00000u)';
    return f > 0 ? 'fm_f32_bits(0x7f800000u)' : 'fm_f32_bits(0xff800000u)';
  }
  const negative = f < 0 || Object.is(f, -0);
  let text = String(Math.abs(f));
  if (!/[.e]/.test(text)) text += '.0';
  return negative ? `(-${text}f)` : `${text}f`;
}

const WGSL_TYPE: Record<ScalarType, string> = { int: 'i32', float: 'f32', bool: 'bool' };

interface Emitter {
  use(helper: string): void;
}

function emitFunction(
  header: string,
  root: Ir | undefined,
  fallback: string,
  program: CheckedProgram,
  emitter: Emitter,
): string {
  if (root === undefined) return `${header} {\n  return ${fallback};\n}`;
  const shared = sharedNodes(root);
  const names = new Map<number, string>();
  const lines: string[] = [];
  const expr = (node: Ir): string => {
    const name = names.get(node.id);
    return name ?? emitNode(node, expr, program, emitter);
  };
  shared.forEach((node, k) => {
    const text = emitNode(node, expr, program, emitter);
    const name = `fm_v${k}`;
    lines.push(`  let ${name}: ${WGSL_TYPE[node.type]} = ${text};`);
    names.set(node.id, name);
  });
  lines.push(`  return ${expr(root)};`);
  return `${header} {\n${lines.join('\n')}\n}`;
}

function readBits(type: ScalarType, bits: string): string {
  if (type === 'int') return `bitcast<i32>(${bits})`;
  if (type === 'float') return `bitcast<f32>(${bits})`;
  return `(${bits} != 0u)`;
}

function emitNode(
  node: Ir,
  expr: (n: Ir) => string,
  program: CheckedProgram,
  emitter: Emitter,
): string {
  const call = (helper: string, ...args: string[]): string => {
    emitter.use(helper);
    return `${helper}(${args.join(', ')})`;
  };
  switch (node.op) {
    case 'const':
      if (node.type === 'bool') return node.value !== 0 ? 'true' : 'false';
      if (node.type === 'int') return formatI32(node.value);
      return formatF32(node.value, emitter.use);
    case 'arg':
      return ARG_NAMES[node.name];
    case 'param':
      return readBits(node.type, `fm_params[${node.index >> 2}][${node.index & 3}]`);
    case 'tensor': {
      // fm_readN(offset, n0 .. nN-1, i0 .. iN-1): the shape is printed as constants.
      const t = program.tensors[node.tensor];
      const rank = t.shape.length;
      if (rank < 1 || rank > MAX_TENSOR_RANK || node.indices.length !== rank) {
        throw new Error(`a read of a ${rank}-D tensor with ${node.indices.length} indices`);
      }
      const dims = t.shape.map(formatI32);
      const bits = call(`fm_read${rank}`, formatI32(t.offset), ...dims, ...node.indices.map(expr));
      return readBits(node.type, bits);
    }
    case 'unary': {
      const a = expr(node.a);
      if (node.fn === 'not') return `(!${a})`;
      if (node.fn === 'bitnot') return `(~${a})`;
      return `(-${a})`;
    }
    case 'cast': {
      const a = expr(node.a);
      if (node.type === 'bool') return node.a.type === 'int' ? `(${a} != 0i)` : `(${a} != 0.0f)`;
      return `${WGSL_TYPE[node.type]}(${a})`;
    }
    case 'select':
      return `select(${expr(node.else)}, ${expr(node.then)}, ${expr(node.cond)})`;
    case 'call':
      return emitCall(node, node.args.map(expr), call);
    case 'binary': {
      const a = expr(node.a);
      const b = expr(node.b);
      const isFloat = node.a.type === 'float';
      switch (node.fn) {
        case 'add':
          return `(${a} + ${b})`;
        case 'sub':
          return `(${a} - ${b})`;
        case 'mul':
          return `(${a} * ${b})`;
        case 'div':
          return `(${a} / ${b})`;
        case 'floordiv':
          return call(isFloat ? 'fm_floordivf' : 'fm_floordiv', a, b);
        case 'mod':
          return call(isFloat ? 'fm_modf' : 'fm_mod', a, b);
        case 'pow':
          return call(isFloat ? 'fm_powf' : 'fm_pow', a, b);
        case 'bitand':
          return `(${a} & ${b})`;
        case 'bitor':
          return `(${a} | ${b})`;
        case 'bitxor':
          return node.type === 'bool' ? `(${a} != ${b})` : `(${a} ^ ${b})`;
        case 'shl':
          return call('fm_shl', a, b);
        case 'shr':
          return call('fm_shr', a, b);
        case 'lt':
          return `(${a} < ${b})`;
        case 'le':
          return `(${a} <= ${b})`;
        case 'gt':
          return `(${a} > ${b})`;
        case 'ge':
          return `(${a} >= ${b})`;
        case 'eq':
          return `(${a} == ${b})`;
        case 'ne':
          return `(${a} != ${b})`;
        case 'land':
          return `(${a} && ${b})`;
        case 'lor':
          return `(${a} || ${b})`;
      }
    }
  }
}

/** WGSL built-ins that compute a math function of a float as torch does (round: halves to even). */
const FLOAT_BUILTIN: Partial<Record<MathFn, string>> = {
  abs: 'abs',
  exp: 'exp',
  exp2: 'exp2',
  log: 'log',
  log2: 'log2',
  sqrt: 'sqrt',
  rsqrt: 'inverseSqrt',
  floor: 'floor',
  ceil: 'ceil',
  round: 'round',
  trunc: 'trunc',
};

/** Math functions computed by a helper of ours (wgslMath.ts, or fm_tanh above). */
const FLOAT_HELPER: Partial<Record<MathFn, string>> = {
  tanh: 'fm_tanh',
  sign: 'fm_signf',
  relu: 'fm_reluf',
  sigmoid: 'fm_sigmoid',
  sin: 'fm_sin',
  cos: 'fm_cos',
  erf: 'fm_erf',
  gelu: 'fm_gelu',
  gelu_tanh: 'fm_gelu_tanh',
  log1p: 'fm_log1p',
  expm1: 'fm_expm1',
};

function emitCall(
  node: IrOf<'call'>,
  args: string[],
  call: (helper: string, ...args: string[]) => string,
): string {
  const [a] = args;
  if (node.fn === 'min' || node.fn === 'max') return `${node.fn}(${args.join(', ')})`;
  if (node.type === 'int') {
    switch (node.fn) {
      case 'abs':
        // Wraps at -2^31 as intAbs does.
        return `abs(${a})`;
      case 'sign':
        return `clamp(${a}, -1i, 1i)`;
      case 'relu':
        return `max(${a}, 0i)`;
      case 'floor':
      case 'ceil':
      case 'round':
      case 'trunc':
        return a;
      default:
        throw new Error(`${node.fn} of an int`);
    }
  }
  const builtin = FLOAT_BUILTIN[node.fn];
  if (builtin !== undefined) return `${builtin}(${a})`;
  const helper = FLOAT_HELPER[node.fn];
  if (helper === undefined) throw new Error(`no WGSL for ${node.fn}`);
  return call(helper, a);
}

/** Words of the parameter uniform: one per parameter, padded to whole vec4s, at least one vec4. */
export function paramVec4Count(paramCount: number): number {
  return Math.max(1, Math.ceil(paramCount / 4));
}

export function emitWgsl(program: CheckedProgram): string {
  const used = new Set<string>();
  const use = (helper: string): void => {
    used.add(helper);
    for (const need of HELPER_NEEDS[helper] ?? []) used.add(need);
  };
  const emitter: Emitter = { use };
  const mask = emitFunction(
    'fn mask_mod(fm_b: i32, fm_h: i32, fm_q_idx: i32, fm_kv_idx: i32) -> bool',
    program.mask,
    'true',
    program,
    emitter,
  );
  const score = emitFunction(
    'fn score_mod(fm_score: f32, fm_b: i32, fm_h: i32, fm_q_idx: i32, fm_kv_idx: i32) -> f32',
    program.score,
    'fm_score',
    program,
    emitter,
  );
  const helpers = Object.keys(HELPERS)
    .filter((name) => used.has(name))
    .map((name) => HELPERS[name]);
  const bindings = [
    "// Generated by flexmask from a mask program; every identifier is the compiler's own.",
    `@group(${PROGRAM_BIND_GROUP}) @binding(0) var<uniform> fm_params: array<vec4<u32>, ${paramVec4Count(program.params.length)}>;`,
    `@group(${PROGRAM_BIND_GROUP}) @binding(1) var<storage, read> fm_tensors: array<u32>;`,
  ].join('\n');
  return [bindings, ...helpers, mask, score].join('\n\n') + '\n';
}
