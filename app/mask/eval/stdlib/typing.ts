/**
 * The modules a program imports only to annotate: typing (and typing_extensions), collections.abc
 * and abc. Their names exist and do nothing (cast returns its value, TYPE_CHECKING is False);
 * isinstance against the common abc names is answered by builtins.ts.
 */
import { FALSE, NONE, type PyModule } from '../values';
import { fn, moduleOf, opaque } from './module';

const TYPING_NAMES = [
  'Any',
  'Callable',
  'Optional',
  'Union',
  'Tuple',
  'List',
  'Dict',
  'Set',
  'Sequence',
  'Iterable',
  'Iterator',
  'Mapping',
  'Literal',
  'Type',
  'Protocol',
  'NamedTuple',
  'Generic',
  'ClassVar',
  'Final',
  'final',
  'overload',
  'no_type_check',
  'TypeAlias',
  'Annotated',
  'Self',
  'FrozenSet',
];
const ABC_NAMES = [
  'Callable',
  'Sequence',
  'Iterable',
  'Iterator',
  'Mapping',
  'MutableMapping',
  'Hashable',
  'Sized',
  'Collection',
  'Generator',
  'MutableSequence',
  'Set',
];

/** typing and typing_extensions. */
export function typingModule(name: string): PyModule {
  return moduleOf(name, [
    ...TYPING_NAMES.map(opaque),
    fn('cast', (args) => args.positional[1] ?? NONE),
    fn('TypeVar', (args) => ({
      kind: 'opaque',
      name: args.positional[0]?.kind === 'str' ? args.positional[0].value : 'TypeVar',
    })),
    ['TYPE_CHECKING', FALSE],
  ]);
}

export function collectionsAbcModule(): PyModule {
  return moduleOf('collections.abc', ABC_NAMES.map(opaque));
}

export function abcModule(): PyModule {
  return moduleOf('abc', [opaque('ABC'), opaque('abstractmethod'), opaque('ABCMeta')]);
}
