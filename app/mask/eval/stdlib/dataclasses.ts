/**
 * Python's `dataclasses`: @dataclass (frozen too) marks a class whose fields, its own after its
 * dataclass base's, the runtime's constructor fills from the arguments; field() and asdict.
 */
import type { Runtime } from '../runtime';
import { NONE, native, pyStr, type PyModule, type PyValue } from '../values';
import { fn, moduleOf } from './module';

export function dataclassesModule(runtime: Runtime): PyModule {
  const mark = (cls: PyValue, frozen: boolean): PyValue => {
    if (cls.kind !== 'class') return cls;
    cls.isDataclass = true;
    cls.frozenDataclass = frozen;
    // A dataclass base's fields come first; a field declared again keeps its place.
    const own = cls.dataclassFields ?? [];
    const inherited = cls.bases[0]?.isDataclass ? (cls.bases[0].dataclassFields ?? []) : [];
    cls.dataclassFields = [
      ...inherited.map((f) => own.find((o) => o.name === f.name) ?? f),
      ...own.filter((o) => !inherited.some((f) => f.name === o.name)),
    ];
    return cls;
  };
  return moduleOf('dataclasses', [
    fn('dataclass', (args, ctx) => {
      const first = args.positional[0];
      const frozen = args.keywords.get('frozen');
      const isFrozen = frozen !== undefined && runtime.interp.truth(frozen, ctx.span);
      if (first?.kind === 'class') return mark(first, false);
      return native('dataclass', (inner) => mark(inner.positional[0] ?? NONE, isFrozen));
    }),
    // A field's default stays a field() until an instance is built (default_factory runs per
    // instance, as in Python).
    fn('field', (args) => ({
      kind: 'opaque',
      name: 'dataclasses.field',
      attrs: new Map(args.keywords),
    })),
    fn('asdict', (args, ctx) => {
      const v = args.positional[0];
      if (v?.kind !== 'instance')
        return ctx.raise('TypeError', 'asdict() should be called on dataclass instances');
      const dict: PyValue = { kind: 'dict', entries: new Map() };
      for (const [k, value] of v.attrs) runtime.dictSet(dict, pyStr(k), value);
      return dict;
    }),
  ]);
}
