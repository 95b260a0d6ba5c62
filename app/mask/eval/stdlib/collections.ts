/**
 * Python's `collections`: OrderedDict (a dict, which keeps order anyway) and namedtuple, whose
 * instances are tuples that also answer to their field names.
 */
import { bindArgs } from '../args';
import type { Runtime } from '../runtime';
import {
  NONE,
  type CallArgs,
  type CallContext,
  type PyClass,
  type PyModule,
  type PyValue,
} from '../values';
import { fn, moduleOf } from './module';

export function collectionsModule(runtime: Runtime): PyModule {
  return moduleOf('collections', [
    ['OrderedDict', runtime.builtin('dict') ?? NONE],
    fn('namedtuple', (args, ctx) => namedTuple(args, ctx, runtime)),
  ]);
}

function namedTuple(args: CallArgs, ctx: CallContext, runtime: Runtime): PyValue {
  const [name, fieldsValue] = args.positional;
  const fields =
    fieldsValue?.kind === 'str'
      ? fieldsValue.value
          .replace(/,/g, ' ')
          .split(/\s+/)
          .filter((f) => f !== '')
      : [...ctx.iterate(fieldsValue ?? NONE)].map((f) => (f.kind === 'str' ? f.value : ''));
  const cls: PyClass = {
    kind: 'class',
    name: name?.kind === 'str' ? name.value : 'namedtuple',
    bases: [],
    attrs: new Map(),
    instanceKinds: [],
  };
  cls.construct = (inner, innerCtx) => {
    const values = bindArgs(cls.name, inner, fields, fields.length, innerCtx);
    return { kind: 'tuple', items: values.map((v) => v ?? NONE), fields, typeName: cls.name };
  };
  void runtime;
  return cls;
}
