/**
 * The row loops of the tile back end's two-operand nodes (tile.ts): one small function literal per
 * operation and float format, computing what cpu.ts computes for that operation.
 */
import {
  floatFloorDiv,
  floatMod,
  floatPow,
  intFloorDiv,
  intMod,
  intPow,
  intShl,
  intShr,
  toF32,
  toF64,
} from './semantics';

/**
 * One row of a two-operand node: dst[at + j] = op(a[ia + j * sa], b[ib + j * sb]) for j < n.
 * Each operation is its own small function literal, so its loop is optimized on its own and the
 * operation inlines; the step calls it once per row.
 */
export type RowOp = (
  dst: Float64Array,
  at: number,
  n: number,
  a: Float64Array,
  ia: number,
  sa: number,
  b: Float64Array,
  ib: number,
  sb: number,
) => void;

/** The row loop of an operation: int ones by their IR name, float ones prefixed with `f`. */
export function rowOpOf(name: string, f32: boolean): RowOp {
  switch (name) {
    case 'add':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = (a[ia + j * sa] + b[ib + j * sb]) | 0;
      };
    case 'sub':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = (a[ia + j * sa] - b[ib + j * sb]) | 0;
      };
    case 'mul':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = Math.imul(a[ia + j * sa], b[ib + j * sb]);
      };
    case 'floordiv':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = intFloorDiv(a[ia + j * sa], b[ib + j * sb]);
      };
    case 'mod':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = intMod(a[ia + j * sa], b[ib + j * sb]);
      };
    case 'pow':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = intPow(a[ia + j * sa], b[ib + j * sb]);
      };
    case 'fadd':
      return f32
        ? (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++) dst[at + j] = Math.fround(a[ia + j * sa] + b[ib + j * sb]);
          }
        : (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] + b[ib + j * sb];
          };
    case 'fsub':
      return f32
        ? (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++) dst[at + j] = Math.fround(a[ia + j * sa] - b[ib + j * sb]);
          }
        : (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] - b[ib + j * sb];
          };
    case 'fmul':
      return f32
        ? (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++) dst[at + j] = Math.fround(a[ia + j * sa] * b[ib + j * sb]);
          }
        : (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] * b[ib + j * sb];
          };
    case 'div':
    case 'fdiv':
      return f32
        ? (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++) dst[at + j] = Math.fround(a[ia + j * sa] / b[ib + j * sb]);
          }
        : (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] / b[ib + j * sb];
          };
    case 'ffloordiv':
      return f32
        ? (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++)
              dst[at + j] = floatFloorDiv(a[ia + j * sa], b[ib + j * sb], toF32);
          }
        : (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++)
              dst[at + j] = floatFloorDiv(a[ia + j * sa], b[ib + j * sb], toF64);
          };
    case 'fmod':
      return f32
        ? (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++)
              dst[at + j] = floatMod(a[ia + j * sa], b[ib + j * sb], toF32);
          }
        : (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++)
              dst[at + j] = floatMod(a[ia + j * sa], b[ib + j * sb], toF64);
          };
    case 'fpow':
      return f32
        ? (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++)
              dst[at + j] = floatPow(a[ia + j * sa], b[ib + j * sb], toF32);
          }
        : (dst, at, n, a, ia, sa, b, ib, sb) => {
            for (let j = 0; j < n; j++)
              dst[at + j] = floatPow(a[ia + j * sa], b[ib + j * sb], toF64);
          };
    case 'min':
    case 'fmin':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = Math.min(a[ia + j * sa], b[ib + j * sb]);
      };
    case 'max':
    case 'fmax':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = Math.max(a[ia + j * sa], b[ib + j * sb]);
      };
    case 'bitand':
    case 'fbitand':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] & b[ib + j * sb];
      };
    case 'bitor':
    case 'fbitor':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] | b[ib + j * sb];
      };
    case 'bitxor':
    case 'fbitxor':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] ^ b[ib + j * sb];
      };
    case 'shl':
    case 'fshl':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = intShl(a[ia + j * sa], b[ib + j * sb]);
      };
    case 'shr':
    case 'fshr':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = intShr(a[ia + j * sa], b[ib + j * sb]);
      };
    case 'lt':
    case 'flt':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] < b[ib + j * sb] ? 1 : 0;
      };
    case 'le':
    case 'fle':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] <= b[ib + j * sb] ? 1 : 0;
      };
    case 'gt':
    case 'fgt':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] > b[ib + j * sb] ? 1 : 0;
      };
    case 'ge':
    case 'fge':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] >= b[ib + j * sb] ? 1 : 0;
      };
    case 'eq':
    case 'feq':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] === b[ib + j * sb] ? 1 : 0;
      };
    case 'ne':
    case 'fne':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++) dst[at + j] = a[ia + j * sa] !== b[ib + j * sb] ? 1 : 0;
      };
    case 'land':
    case 'fland':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++)
          dst[at + j] = a[ia + j * sa] !== 0 && b[ib + j * sb] !== 0 ? 1 : 0;
      };
    case 'lor':
    case 'flor':
      return (dst, at, n, a, ia, sa, b, ib, sb) => {
        for (let j = 0; j < n; j++)
          dst[at + j] = a[ia + j * sa] !== 0 || b[ib + j * sb] !== 0 ? 1 : 0;
      };
    default:
      throw new Error(`the tile back end has no operation ${name}`);
  }
}
