// `npx vitest bench --run app/engine/cpu/items.bench.ts`: the worker side of the CPU engine alone
// (no workers, messages or page): every work item of the bench's S = 2048, H = 2, D = 64 cases run
// one after another in this thread, the BlockMask rows by themselves and whole items (rows,
// attention, no picture). What the engine's wall time adds to this is dealing and messages.
import { bench, describe } from 'vitest';
import { maskSource, type MaskId } from '../../../bench/src/cases';
import { createFlashKernel } from '../../../cpu/flashKernel';
import type { AttentionShape } from '../../problem';
import { randomInputs } from '../../tensors/random';
import { maskSizes } from '../shape';
import { emptyKeyCache, runItem, type ItemContext } from './item';
import { classifyMaskRow } from './maskRow';
import { workerProgram } from './program';
import { workItems } from './work';

const S = 2048;
const shape: AttentionShape = {
  B: 1,
  H: 2,
  HKV: 2,
  Q: S,
  KV: S,
  D: 64,
  DV: 64,
  blockQ: 128,
  blockKV: 128,
};

for (const mask of ['noop', 'causal', 'document', 'alibi'] as MaskId[]) {
  const program = workerProgram(maskSource(mask, S, shape.H));
  const grid = { ...maskSizes(shape, program.maskDeps), nQ: S / shape.blockQ };
  const items = workItems(grid);
  const kernel = createFlashKernel({ D: 64, DV: 64, blockQ: 128, blockKV: 128, KV: S });
  const context: ItemContext = {
    program,
    shape,
    grid,
    inputs: randomInputs(shape, 1),
    kernel,
    keys: emptyKeyCache(shape),
    pictureHead: null,
  };
  describe(`${mask}@${S}: every item in one thread`, () => {
    bench('BlockMask rows', () => {
      for (const item of items) classifyMaskRow(program, shape, item.maskB, item.maskH, item.qb);
    });
    bench('whole items', () => {
      for (const item of items) runItem(context, item);
    });
  });
}
