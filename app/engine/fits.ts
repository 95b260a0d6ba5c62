import type { Dependence } from '../mask/types';
import { checkBufferLimits, runBytes, type BudgetLimits } from './memoryBudget';
import type { AttentionShape } from '../problem';

/**
 * Checks every storage buffer a run would create against the device's per-buffer limits, before
 * any input is allocated or anything dispatched, and names the limit and the size asked when one
 * is exceeded. The whole check of a run (uniforms and the total too) is `checkRunBudget` in
 * memoryBudget.ts; this is its per-buffer half for callers that have no program yet.
 */
export function checkFitsDevice(
  shape: AttentionShape,
  deps: Dependence,
  limits: Pick<BudgetLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>,
): void {
  const noProgram = {
    maskDeps: deps,
    paramWords: { byteLength: 0 },
    tensorWords: { byteLength: 0 },
  };
  checkBufferLimits(runBytes(shape, noProgram, { backend: 'gpu' }), {
    ...limits,
    maxUniformBufferBindingSize: Infinity,
  });
}
