/**
 * The object protocol of the setup evaluator for Python's own types: type names, equality,
 * hashing (dict and set keys), ordering and repr. Tensors and traced values answer through their
 * own modules; this file only knows how to name them.
 */
import { formatTensor } from './torchConcrete';
import { compareNumbers, floatRepr, isNumber } from './numbers';
import { NONE, type PyClass, type PyValue } from './values';

/** The name Python's type() prints for a value (what error messages say). */
export function typeName(v: PyValue): string {
  switch (v.kind) {
    case 'none':
      return 'NoneType';
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
    case 'tuple':
    case 'list':
    case 'dict':
    case 'set':
    case 'range':
    case 'slice':
      return v.kind === 'set' && v.frozen ? 'frozenset' : v.kind;
    case 'ellipsis':
      return 'ellipsis';
    case 'iterator':
      return v.name;
    case 'function':
      return 'function';
    case 'native':
      return 'builtin_function_or_method';
    case 'method':
      return 'method';
    case 'partial':
      return 'functools.partial';
    case 'module':
      return 'module';
    case 'class':
      return 'type';
    case 'instance':
      return v.cls.name;
    case 'exception':
      return v.cls.name;
    case 'tensor':
    case 'sym':
    case 'symtable':
      return 'Tensor';
    case 'dtype':
      return 'torch.dtype';
    case 'device':
      return 'torch.device';
    case 'opaque':
      return v.name;
  }
}

let nextIdentity = 1;
const identities = new WeakMap<object, number>();

/** A stable number per object, for hashing by identity (functions, tensors, modules). */
export function identityOf(v: object): number {
  let id = identities.get(v);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(v, id);
  }
  return id;
}

/**
 * The dict/set key of a value, or undefined when the value is unhashable (list, dict, set).
 * Equal numbers share a key across int, float and bool, as in Python (`{1: 'a'}[True]`).
 */
export function hashKey(v: PyValue): string | undefined {
  switch (v.kind) {
    case 'none':
      return 'N';
    case 'bool':
      return v.value ? 'n1' : 'n0';
    case 'int':
      return `n${v.value}`;
    case 'float':
      return Number.isInteger(v.value) ? `n${BigInt(v.value)}` : `f${v.value}`;
    case 'str':
      return `s${v.value}`;
    case 'tuple': {
      const parts: string[] = [];
      for (const item of v.items) {
        const k = hashKey(item);
        if (k === undefined) return undefined;
        parts.push(k);
      }
      return `t(${parts.join(',')})`;
    }
    case 'set':
      if (!v.frozen) return undefined;
      return `fs(${[...v.entries.keys()].sort().join(',')})`;
    case 'list':
    case 'dict':
      return undefined;
    case 'range':
      return `r${v.start},${v.stop},${v.step}`;
    case 'dtype':
      return `d${v.dtype}`;
    case 'instance':
      // A dataclass compares by its fields: hashable by them when frozen, else not at all.
      if (!v.cls.isDataclass) return `o${identityOf(v)}`;
      if (!v.cls.frozenDataclass) return undefined;
      return hashKey({ kind: 'tuple', items: dataclassValues(v) });
    default:
      return `o${identityOf(v)}`;
  }
}

/**
 * Equality as containers test it (`in`, `list.index`, `==` of lists): the same object is equal to
 * itself before `==` is asked, so a list holding a NaN equals itself.
 */
export function itemEquals(a: PyValue, b: PyValue): boolean {
  return a === b || pyEquals(a, b);
}

/** A dataclass instance's field values, in field order. */
function dataclassValues(v: PyValue & { kind: 'instance' }): PyValue[] {
  return (v.cls.dataclassFields ?? []).map((f) => v.attrs.get(f.name) ?? NONE);
}

/** Python's `==` for values that are not tensors or traced values (the caller handles those). */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (a === b) return a.kind !== 'float' || !Number.isNaN(a.value);
  if (isNumber(a) && isNumber(b)) return compareNumbers(a, b) === 0;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'str':
      return a.value === (b as typeof a).value;
    case 'none':
    case 'ellipsis':
      return true;
    case 'tuple':
    case 'list': {
      const other = b as typeof a;
      return (
        a.items.length === other.items.length &&
        a.items.every((x, k) => itemEquals(x, other.items[k]))
      );
    }
    case 'dict': {
      const other = b as typeof a;
      if (a.entries.size !== other.entries.size) return false;
      for (const [k, e] of a.entries) {
        const o = other.entries.get(k);
        if (o === undefined || !itemEquals(e.value, o.value)) return false;
      }
      return true;
    }
    case 'set': {
      const other = b as typeof a;
      return (
        a.entries.size === other.entries.size &&
        [...a.entries.keys()].every((k) => other.entries.has(k))
      );
    }
    case 'range': {
      // Ranges are equal when they hold the same numbers.
      const [length, start, step] = rangeSpan(a);
      const [otherLength, otherStart, otherStep] = rangeSpan(b as typeof a);
      if (length !== otherLength) return false;
      return length === 0n || (start === otherStart && (length === 1n || step === otherStep));
    }
    case 'dtype':
      return a.dtype === (b as typeof a).dtype;
    case 'device':
      return a.name === (b as typeof a).name;
    case 'instance': {
      const other = b as typeof a;
      if (!a.cls.isDataclass || a.cls !== other.cls) return false;
      const theirs = dataclassValues(other);
      return dataclassValues(a).every((x, k) => itemEquals(x, theirs[k]));
    }
    default:
      return false;
  }
}

/** A range's length, first item and step. */
function rangeSpan(r: { start: bigint; stop: bigint; step: bigint }): [bigint, bigint, bigint] {
  const { start, stop, step } = r;
  const length =
    step > 0n
      ? stop > start
        ? (stop - start + step - 1n) / step
        : 0n
      : start > stop
        ? (start - stop - step - 1n) / -step
        : 0n;
  return [length, start, step];
}

/** Python's repr, bounded: containers are cut after `limit` characters so a message stays short. */
export function pyRepr(v: PyValue, limit = 400): string {
  const out: string[] = [];
  let length = 0;
  const stack: (PyValue | string)[] = [v];
  while (stack.length > 0 && length <= limit) {
    const item = stack.pop() as PyValue | string;
    const text = typeof item === 'string' ? item : reprPieces(item, stack);
    out.push(text);
    length += text.length;
  }
  const joined = out.join('');
  return joined.length > limit ? `${joined.slice(0, limit)}...` : joined;
}

/** The repr of a leaf, or pushes a container's pieces (in reverse) and returns its opening. */
function reprPieces(v: PyValue, stack: (PyValue | string)[]): string {
  const pushItems = (items: PyValue[], close: string, trailingComma = false): void => {
    stack.push(trailingComma && items.length === 1 ? `,${close}` : close);
    for (let k = items.length - 1; k >= 0; k -= 1) {
      stack.push(items[k]);
      if (k > 0) stack.push(', ');
    }
  };
  switch (v.kind) {
    case 'none':
      return 'None';
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'int':
      return v.value.toString();
    case 'float':
      return floatRepr(v.value);
    case 'str':
      return strRepr(v.value);
    case 'tuple':
      if (v.fields) {
        stack.push(')');
        for (let k = v.items.length - 1; k >= 0; k -= 1) {
          stack.push(v.items[k]);
          stack.push(`${k > 0 ? ', ' : ''}${v.fields[k] ?? `_${k}`}=`);
        }
        return `${v.typeName ?? 'torch.return_types'}(`;
      }
      pushItems(v.items, ')', true);
      return '(';
    case 'list':
      pushItems(v.items, ']');
      return '[';
    case 'set':
      if (v.entries.size === 0) return v.frozen ? 'frozenset()' : 'set()';
      pushItems([...v.entries.values()], v.frozen ? '})' : '}');
      return v.frozen ? 'frozenset({' : '{';
    case 'dict': {
      stack.push('}');
      const entries = [...v.entries.values()];
      for (let k = entries.length - 1; k >= 0; k -= 1) {
        stack.push(entries[k].value);
        stack.push(': ');
        stack.push(entries[k].key);
        if (k > 0) stack.push(', ');
      }
      return '{';
    }
    case 'range':
      return v.step === 1n
        ? `range(${v.start}, ${v.stop})`
        : `range(${v.start}, ${v.stop}, ${v.step})`;
    case 'slice':
      stack.push(')', v.step, ', ', v.stop, ', ', v.start);
      return 'slice(';
    case 'ellipsis':
      return 'Ellipsis';
    case 'iterator':
      return `<${v.name} object>`;
    case 'function':
      return `<function ${v.qualname}>`;
    case 'native':
      return `<built-in function ${v.name}>`;
    case 'method':
      return `<bound method ${v.fn.qualname}>`;
    case 'partial':
      return 'functools.partial(...)';
    case 'module':
      return `<module '${v.name}'>`;
    case 'class':
      return `<class '${v.name}'>`;
    case 'instance': {
      if (!v.cls.isDataclass) return `<${v.cls.name} object>`;
      const fields = v.cls.dataclassFields ?? [];
      stack.push(')');
      for (let k = fields.length - 1; k >= 0; k -= 1) {
        stack.push(v.attrs.get(fields[k].name) ?? NONE);
        stack.push(`${k > 0 ? ', ' : ''}${fields[k].name}=`);
      }
      return `${v.cls.name}(`;
    }
    case 'exception':
      stack.push(')');
      pushItems(v.args, '');
      return `${v.cls.name}(`;
    case 'tensor':
      return formatTensor(v.array);
    case 'sym':
      return `<traced ${v.ir.type} tensor>`;
    case 'symtable':
      return `<traced tensor of shape [${v.shape.join(', ')}]>`;
    case 'dtype':
      return `torch.${v.dtype}`;
    case 'device':
      return `device(type='${v.name}')`;
    case 'opaque':
      return `<${v.name}>`;
  }
}

/**
 * Python's str(): like repr except for strings (themselves) and exceptions (their one argument,
 * the repr of a KeyError's key, or the tuple of their arguments).
 */
export function pyStrOf(v: PyValue, limit = 100_000): string {
  if (v.kind === 'str') return v.value;
  if (v.kind === 'exception') {
    if (v.args.length === 0) return '';
    if (v.args.length > 1) return pyRepr({ kind: 'tuple', items: v.args }, limit);
    let keyError = false;
    for (let c: PyClass | undefined = v.cls; c; c = c.bases[0]) keyError ||= c.name === 'KeyError';
    return keyError ? pyRepr(v.args[0], limit) : pyStrOf(v.args[0], limit);
  }
  return pyRepr(v, limit);
}

/** A string literal as Python's repr writes it: single quotes unless the text holds one. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch < ' ' || ch === '\x7f')
      out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}
