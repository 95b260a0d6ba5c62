/**
 * Tracing: the operations on traced values (`sym`, a 0-d tensor whose value depends on b, h,
 * q_idx, kv_idx or score) build IR nodes instead of computing numbers, with PyTorch's type rules
 * (bool < int < float; `/` is always float; bitwise ops refuse floats). Setup tensors and
 * top-level lists read at traced indices become program tensors (lookup tables the back ends
 * read, registered by tracedTables.ts). Everything here is what PyTorch's vmap would see as a tensor operation.
 */
import type { BinaryOp, CompareOp, UnaryOp } from '../ast';
import { IrBuilder, type BinaryFn, type Ir, type MathFn } from '../ir';
import { I32_MAX, I32_MIN } from '../semantics';
import type { ScalarType, SourceSpan, TensorInfo } from '../types';
import type { NdArray } from '../tensor/ndarray';
import { isNumber, toFloat } from './numbers';
import { pyFloat, type PyValue } from './values';
import { TraceError } from './pyerrors';
import {
  checkInt,
  ProgramTensors,
  scalarTypeOf,
  TYPE_OF_RANK,
  type TableLimits,
} from './tracedTables';

const RANK: Record<ScalarType, number> = { bool: 0, int: 1, float: 2 };

export const CONTROL_FLOW_MESSAGE =
  "data-dependent control flow: this value depends on the traced b, h, q_idx, kv_idx (or score), which have no single value while mask_mod / score_mod are traced (PyTorch's vmap refuses this too). Use torch.where(condition, x, y) instead of if / while / and / or / not / bool(), and & | ~ to combine masks";

export class Tracer {
  /** The program tensors registered so far (see tracedTables.ts). */
  readonly tensors: TensorInfo[];
  private readonly tables: ProgramTensors;

  constructor(
    readonly ir: IrBuilder,
    limits: TableLimits,
  ) {
    this.tables = new ProgramTensors(limits);
    this.tensors = this.tables.tensors;
  }

  // ---- conversions -------------------------------------------------------------------------

  /** The IR of a value that can take part in traced arithmetic, or undefined. */
  toIr(v: PyValue, span: SourceSpan): Ir | undefined {
    switch (v.kind) {
      case 'sym':
        return v.ir;
      case 'bool':
        return v.sym ?? this.ir.constant('bool', v.value ? 1 : 0, span);
      case 'int': {
        if (v.sym) return v.sym;
        if (v.value > BigInt(I32_MAX) || v.value < BigInt(I32_MIN)) {
          throw new TraceError(
            'OverflowError',
            `the integer ${v.value} does not fit in 32 bits: traced ints are int32 on the GPU (-2147483648 to 2147483647)`,
          );
        }
        return this.ir.constant('int', Number(v.value), span);
      }
      case 'float':
        return v.sym ?? this.ir.constant('float', v.value, span);
      case 'tensor':
        return this.zeroDim(v.array, span);
      default:
        return undefined;
    }
  }

  private zeroDim(array: NdArray, span: SourceSpan): Ir | undefined {
    if (array.shape.length !== 0) return undefined;
    const value = array.data[array.offset];
    const type = scalarTypeOf(array);
    return this.ir.constant(type, type === 'int' ? checkInt(value) : value, span);
  }

  private need(v: PyValue, span: SourceSpan, what: string): Ir {
    const node = this.toIr(v, span);
    if (node !== undefined) return node;
    if (v.kind === 'symtable') {
      throw new TraceError(
        'NotImplementedError',
        `${what}: this tensor read still has ${v.shape.length} dimension${v.shape.length === 1 ? '' : 's'} (shape [${v.shape.join(', ')}]); index it down to one number, or use torch.dot / .sum()`,
      );
    }
    if (v.kind === 'tensor') {
      throw new TraceError(
        'NotImplementedError',
        `${what}: a setup tensor of shape [${v.array.shape.join(', ')}] meets a traced value; index the tensor at the traced index instead`,
      );
    }
    throw new TraceError(
      'TypeError',
      `${what}: a traced value cannot be combined with '${v.kind}'`,
    );
  }

  cast(node: Ir, to: ScalarType, span: SourceSpan = node.span): Ir {
    if (node.type === to) return node;
    return this.ir.make({ op: 'cast', type: to, a: node, span });
  }

  // ---- operators ---------------------------------------------------------------------------

  binary(op: BinaryOp, left: PyValue, right: PyValue, span: SourceSpan): PyValue {
    if (op === '@') return this.dot(left, right, span);
    const a = this.need(left, span, `unsupported operand for ${op}`);
    const b = this.need(right, span, `unsupported operand for ${op}`);
    return sym(this.binaryIr(op, a, b, span));
  }

  binaryIr(op: BinaryOp, a: Ir, b: Ir, span: SourceSpan): Ir {
    const mismatch = (): never => {
      throw new TraceError(
        'TypeError',
        `unsupported operand type(s) for ${op}: '${a.type}' and '${b.type}'`,
      );
    };
    switch (op) {
      case '+':
      case '-':
      case '*':
      case '//':
      case '%': {
        const type = common(a, b, 'int');
        const fn = ({ '+': 'add', '-': 'sub', '*': 'mul', '//': 'floordiv', '%': 'mod' } as const)[
          op
        ];
        return this.bin(fn, type, this.cast(a, type), this.cast(b, type), span);
      }
      case '/':
        return this.bin('div', 'float', this.cast(a, 'float'), this.cast(b, 'float'), span);
      case '**': {
        let type = common(a, b, 'int');
        if (type === 'int' && b.op === 'const' && b.value < 0) type = 'float';
        return this.bin('pow', type, this.cast(a, type), this.cast(b, type), span);
      }
      case '&':
      case '|':
      case '^': {
        if (a.type === 'float' || b.type === 'float') mismatch();
        const type = common(a, b, 'bool');
        const fn = ({ '&': 'bitand', '|': 'bitor', '^': 'bitxor' } as const)[op];
        return this.bin(fn, type, this.cast(a, type), this.cast(b, type), span);
      }
      case '<<':
      case '>>':
        if (a.type === 'float' || b.type === 'float') mismatch();
        return this.bin(
          op === '<<' ? 'shl' : 'shr',
          'int',
          this.cast(a, 'int'),
          this.cast(b, 'int'),
          span,
        );
      case '@':
        return mismatch();
    }
  }

  private bin(fn: BinaryFn, type: ScalarType, a: Ir, b: Ir, span: SourceSpan): Ir {
    return this.ir.make({ op: 'binary', fn, type, a, b, span });
  }

  compare(op: CompareOp, left: PyValue, right: PyValue, span: SourceSpan): PyValue {
    if (op === 'in' || op === 'not in' || op === 'is' || op === 'is not') {
      throw new TraceError('RuntimeError', CONTROL_FLOW_MESSAGE);
    }
    const a = this.need(left, span, `unsupported operand for ${op}`);
    const b = this.need(right, span, `unsupported operand for ${op}`);
    return sym(this.compareIr(op, a, b, span));
  }

  compareIr(op: '<' | '<=' | '>' | '>=' | '==' | '!=', a: Ir, b: Ir, span: SourceSpan): Ir {
    const bothBool = a.type === 'bool' && b.type === 'bool' && (op === '==' || op === '!=');
    const type = bothBool ? 'bool' : common(a, b, 'int');
    const fn = ({ '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne' } as const)[
      op
    ];
    return this.bin(fn, 'bool', this.cast(a, type), this.cast(b, type), span);
  }

  unary(op: UnaryOp, operand: PyValue, span: SourceSpan): PyValue {
    if (op === 'not') throw new TraceError('RuntimeError', CONTROL_FLOW_MESSAGE);
    const a = this.need(operand, span, `bad operand type for unary ${op}`);
    return sym(this.unaryIr(op, a, span));
  }

  unaryIr(op: '-' | '+' | '~', a: Ir, span: SourceSpan): Ir {
    if (op === '+') return a;
    if (op === '~') {
      if (a.type === 'float') {
        throw new TraceError(
          'TypeError',
          "bitwise not ('~') is only defined for bool and int tensors",
        );
      }
      return this.ir.make({
        op: 'unary',
        fn: a.type === 'bool' ? 'not' : 'bitnot',
        type: a.type,
        a,
        span,
      });
    }
    if (a.type === 'bool') {
      throw new TraceError(
        'RuntimeError',
        'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
      );
    }
    return this.ir.make({ op: 'unary', fn: 'neg', type: a.type, a, span });
  }

  // ---- functions ---------------------------------------------------------------------------

  /** torch.where(cond, x, y) with at least one traced argument. */
  where(condition: PyValue, x: PyValue, y: PyValue, span: SourceSpan): PyValue {
    const c = this.need(condition, span, 'torch.where condition');
    if (c.type !== 'bool') {
      throw new TraceError(
        'RuntimeError',
        `where expected condition to be a boolean tensor, but got a tensor with dtype ${c.type === 'int' ? 'Long' : 'Float'}`,
      );
    }
    const a = this.need(x, span, 'torch.where');
    const b = this.need(y, span, 'torch.where');
    const type = common(a, b, 'bool');
    return sym(
      this.ir.make({
        op: 'select',
        type,
        cond: c,
        then: this.cast(a, type),
        else: this.cast(b, type),
        span,
      }),
    );
  }

  /** A math function: `abs min max` keep int/float; the others compute in float. */
  math(fn: MathFn, args: PyValue[], span: SourceSpan, name: string): PyValue {
    const irs = args.map((v) => this.need(v, span, name));
    return sym(this.mathIr(fn, irs, span));
  }

  mathIr(fn: MathFn, args: Ir[], span: SourceSpan): Ir {
    const numeric = (x: Ir): Ir => (x.type === 'bool' ? this.cast(x, 'int') : x);
    switch (fn) {
      case 'abs':
      case 'sign':
      case 'relu': {
        const x = numeric(args[0]);
        return this.ir.make({ op: 'call', fn, type: x.type, args: [x], span });
      }
      case 'min':
      case 'max': {
        const [a, b] = args.map(numeric);
        const type = common(a, b, 'int');
        return this.ir.make({
          op: 'call',
          fn,
          type,
          args: [this.cast(a, type), this.cast(b, type)],
          span,
        });
      }
      case 'floor':
      case 'ceil':
      case 'round':
      case 'trunc': {
        // Rounding an int tensor is the identity in PyTorch (and keeps it an int).
        if (args[0].type !== 'float') return numeric(args[0]);
        return this.ir.make({ op: 'call', fn, type: 'float', args: [args[0]], span });
      }
      default:
        return this.ir.make({
          op: 'call',
          fn,
          type: 'float',
          args: args.map((a) => this.cast(a, 'float')),
          span,
        });
    }
  }

  /** `x.clamp(min, max)`: max then min, as torch.clamp (either bound may be absent). */
  clamp(x: PyValue, lo: PyValue | undefined, hi: PyValue | undefined, span: SourceSpan): PyValue {
    let node = this.need(x, span, 'clamp');
    if (node.type === 'bool') node = this.cast(node, 'int');
    if (lo !== undefined && lo.kind !== 'none')
      node = this.mathIr('max', [node, this.need(lo, span, 'clamp')], span);
    if (hi !== undefined && hi.kind !== 'none')
      node = this.mathIr('min', [node, this.need(hi, span, 'clamp')], span);
    return sym(node);
  }

  /** `.to(dtype)`, `.long()`, `.float()`, `.bool()`: a conversion (int32/int64 are one traced int). */
  convert(x: PyValue, to: ScalarType, span: SourceSpan): PyValue {
    return sym(this.cast(this.need(x, span, 'conversion'), to, span));
  }

  /** A traced constant with the type PyTorch's `new_ones` / `full_like` would give. */
  constantLike(value: PyValue, type: ScalarType, span: SourceSpan): PyValue {
    if (!isNumber(value)) throw new TraceError('TypeError', 'fill value must be a number');
    const v =
      value.kind === 'bool'
        ? value.value
          ? 1
          : 0
        : type === 'int'
          ? checkInt(toFloat(value))
          : toFloat(value);
    return sym(this.ir.constant(type, type === 'bool' ? (v !== 0 ? 1 : 0) : v, span));
  }

  // ---- tables: setup tensors read at traced indices ----------------------------------------

  /**
   * `container[index]` where the index holds a traced value, or the container is a partly
   * indexed table. Returns a traced scalar when every axis is indexed, else a `symtable`.
   */
  index(container: PyValue, index: PyValue, span: SourceSpan, nameHint: string): PyValue {
    const parts = index.kind === 'tuple' ? index.items : [index];
    let table: number;
    let prefix: Ir[];
    let shape: number[];
    if (container.kind === 'symtable') {
      table = container.table;
      prefix = container.indices;
      shape = container.shape;
    } else {
      table = this.tables.tableOf(container, nameHint);
      prefix = [];
      shape = this.tensors[table].shape;
    }
    if (parts.length > shape.length) {
      throw new TraceError(
        'IndexError',
        `too many indices for tensor of dimension ${shape.length}`,
      );
    }
    const indices = [...prefix];
    for (const part of parts) {
      if (part.kind === 'slice' || part.kind === 'ellipsis' || part.kind === 'none') {
        throw new TraceError(
          'NotImplementedError',
          'a table read at a traced index takes one index per axis (no slices, ... or None); index the axes one by one',
        );
      }
      const node = this.need(part, span, 'tensor index');
      if (node.type === 'float') {
        throw new TraceError(
          'IndexError',
          'tensors used as indices must be long, int, byte or bool tensors',
        );
      }
      indices.push(this.cast(node, 'int'));
    }
    const rest = shape.slice(parts.length);
    if (rest.length > 0) return { kind: 'symtable', table, indices, shape: rest };
    const info = this.tensors[table];
    return sym(this.ir.make({ op: 'tensor', type: info.type, tensor: table, indices, span }));
  }

  /** True when `container[...]` must be traced: a traced index, or a partly read table. */
  isTracedIndex(container: PyValue, index: PyValue): boolean {
    if (container.kind === 'symtable') return true;
    const parts = index.kind === 'tuple' ? index.items : [index];
    return parts.some((p) => p.kind === 'sym' || p.kind === 'symtable');
  }

  // ---- vectors -----------------------------------------------------------------------------

  /** torch.dot / `@` of two 1-D table reads (MLA's rope dot product), unrolled. */
  dot(left: PyValue, right: PyValue, span: SourceSpan): PyValue {
    const a = this.elements(left, span);
    const b = this.elements(right, span);
    if (a.length !== b.length) {
      throw new TraceError(
        'RuntimeError',
        `inconsistent tensor size, expected tensor [${a.length}] and src [${b.length}] to have the same number of elements, but got ${a.length} and ${b.length} elements respectively`,
      );
    }
    const type = a.length > 0 ? common(a[0], b[0], 'int') : 'float';
    let total: Ir = this.ir.constant(type, 0, span);
    for (let k = 0; k < a.length; k += 1) {
      total = this.binaryIr('+', total, this.binaryIr('*', a[k], b[k], span), span);
    }
    return sym(total);
  }

  /** The sum of a table read's remaining elements (`rows[q_idx].sum()`), unrolled. */
  sum(value: PyValue, span: SourceSpan): PyValue {
    const items = this.elements(value, span);
    if (items.length === 0) return pyFloat(0);
    let total = items[0].type === 'bool' ? this.cast(items[0], 'int') : items[0];
    for (const item of items.slice(1)) total = this.binaryIr('+', total, item, span);
    return sym(total);
  }

  private elements(value: PyValue, span: SourceSpan): Ir[] {
    if (value.kind !== 'symtable' || value.shape.length !== 1) {
      throw new TraceError(
        'RuntimeError',
        '1D tensors expected: read one row of a table at traced indices',
      );
    }
    const out: Ir[] = [];
    for (let k = 0; k < value.shape[0]; k += 1) {
      const info = this.tensors[value.table];
      out.push(
        this.ir.make({
          op: 'tensor',
          type: info.type,
          tensor: value.table,
          indices: [...value.indices, this.ir.constant('int', k, span)],
          span,
        }),
      );
    }
    return out;
  }
}

export function sym(ir: Ir): PyValue {
  return { kind: 'sym', ir };
}

function common(a: Ir, b: Ir, atLeast: ScalarType): ScalarType {
  return TYPE_OF_RANK[Math.max(RANK[a.type], RANK[b.type], RANK[atLeast])];
}
