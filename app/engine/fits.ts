import { listOffsets } from '../../gpu/blockMask';
import { GpuLimitError } from '../../gpu/resources';
import type { Dependence } from '../mask/types';
import { maskSizes, viewWindow } from './shape';
import type { AttentionShape } from './types';

const F32 = 4;

/**
 * Checks every buffer a run would create against the device's limits, before any input is
 * allocated or anything dispatched, and names the limit and the size asked when one is exceeded.
 */
export function checkFitsDevice(
  shape: AttentionShape,
  deps: Dependence,
  limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>,
): void {
  const mask = maskSizes(shape, deps);
  const nQ = Math.ceil(shape.Q / shape.blockQ);
  const nKV = Math.ceil(shape.KV / shape.blockKV);
  const view = viewWindow(shape, 0, 0);
  const lists = listOffsets({
    ...mask,
    Q: shape.Q,
    KV: shape.KV,
    blockQ: shape.blockQ,
    blockKV: shape.blockKV,
  });
  const buffers: [string, number][] = [
    [
      `q [B=${shape.B}, H=${shape.H}, Q=${shape.Q}, D=${shape.D}]`,
      shape.B * shape.H * shape.Q * shape.D * F32,
    ],
    [
      `k [B=${shape.B}, HKV=${shape.HKV}, KV=${shape.KV}, D=${shape.D}]`,
      shape.B * shape.HKV * shape.KV * shape.D * F32,
    ],
    [
      `v [B=${shape.B}, HKV=${shape.HKV}, KV=${shape.KV}, DV=${shape.DV}]`,
      shape.B * shape.HKV * shape.KV * shape.DV * F32,
    ],
    ['out and lse', shape.B * shape.H * shape.Q * (shape.DV + 1) * F32],
    ['the block classes', mask.B * mask.H * nQ * nKV * F32],
    ['the BlockMask index lists', lists.total * F32],
    ['the score picture', view.rows * view.cols * F32],
  ];
  const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const name =
    limits.maxStorageBufferBindingSize <= limits.maxBufferSize
      ? 'maxStorageBufferBindingSize'
      : 'maxBufferSize';
  for (const [what, bytes] of buffers) {
    if (bytes > limit) {
      throw new GpuLimitError(
        `${what} needs ${mib(bytes)}, but this GPU's ${name} is ${mib(limit)}. ` +
          'Use shorter sequences, fewer heads, a smaller batch or larger blocks.',
      );
    }
  }
}

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}
