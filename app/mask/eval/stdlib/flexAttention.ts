/**
 * torch.nn.attention.flex_attention as setup code sees it: and_masks / or_masks / noop_mask build
 * mask functions that trace to one combined expression, create_block_mask and flex_attention are
 * refused with a pointer to what the page runs instead, and the type names exist for imports and
 * annotations.
 */
import { pyRepr, typeName } from '../objects';
import type { Runtime } from '../runtime';
import {
  pyInt,
  type CallArgs,
  type CallContext,
  type PyModule,
  type PyNative,
  type PyValue,
} from '../values';
import { fn, moduleOf, opaque } from './module';
import { isCallable } from '../builtins';

export function flexAttentionModule(runtime: Runtime): PyModule {
  const noop: PyNative = {
    kind: 'native',
    name: 'noop_mask',
    combine: { op: 'noop' },
    call: (args, ctx) => {
      if (args.positional.length !== 4)
        ctx.raise(
          'TypeError',
          `noop_mask() takes 4 positional arguments but ${args.positional.length} were given`,
        );
      return { kind: 'sym', ir: runtime.ir.constant('bool', 1, ctx.span) };
    },
  };
  const combiner =
    (op: 'and' | 'or') =>
    (args: CallArgs, ctx: CallContext): PyValue => {
      if (args.keywords.size > 0)
        ctx.raise('TypeError', `${op}_masks() takes no keyword arguments`);
      const members = args.positional;
      const bad = members.find((m) => !isCallable(m));
      if (bad !== undefined)
        ctx.raise(
          'RuntimeError',
          `All inputs should be callable mask_mods: ${pyRepr({ kind: 'tuple', items: members }, 200)}`,
        );
      const span = ctx.span;
      return {
        kind: 'native',
        name: `${op}_mask`,
        combine: { op, members },
        call: (inner, innerCtx) => {
          let result = runtime.ir.constant('bool', op === 'and' ? 1 : 0, span);
          for (const member of members) {
            const value = innerCtx.call(member, inner.positional, inner.keywords);
            const node =
              runtime.tracer.toIr(value, span) ??
              innerCtx.raise(
                'TypeError',
                `a mask_mod returned '${typeName(value)}', not a bool tensor`,
              );
            const bool = runtime.tracer.cast(node, 'bool', span);
            result = runtime.ir.make({
              op: 'binary',
              fn: op === 'and' ? 'land' : 'lor',
              type: 'bool',
              a: result,
              b: bool,
              span,
            });
          }
          return { kind: 'sym', ir: result };
        },
      };
    };
  const notHere = (what: string) => () =>
    runtime.raise(
      'NotImplementedError',
      `${what} is what flexmask's page runs for you: the setup code defines mask_mod (and score_mod), flexmask builds the BlockMask and runs attention`,
    );
  return moduleOf('torch.nn.attention.flex_attention', [
    ['noop_mask', noop],
    fn('and_masks', combiner('and')),
    fn('or_masks', combiner('or')),
    fn('create_block_mask', notHere('create_block_mask')),
    fn('flex_attention', notHere('flex_attention')),
    [
      'BlockMask',
      { kind: 'class', name: 'BlockMask', bases: [], attrs: new Map(), instanceKinds: [] },
    ],
    opaque('_mask_mod_signature'),
    opaque('_score_mod_signature'),
    opaque('AuxRequest'),
    opaque('AuxOutput'),
    ['_DEFAULT_SPARSE_BLOCK_SIZE', pyInt(128)],
  ]);
}
