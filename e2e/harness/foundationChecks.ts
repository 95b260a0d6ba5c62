import { getGpu } from '../../gpu/device';
import { runSelfTest } from './kernels/selfTest';

/** Runs the self-test kernel on the given values. */
export async function selfTest(values: number[]): Promise<number[]> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const out = await runSelfTest(gpu.context.device, new Float32Array(values));
  return Array.from(out);
}

/**
 * Loses the device on purpose (destroy), then asks again: the device layer must hand out a new,
 * working device. Returns whether the device changed and the new device's self-test output.
 */
export async function recoverFromLoss(
  values: number[],
): Promise<{ newDevice: boolean; output: number[] }> {
  const first = await getGpu();
  if (first.kind === 'none') throw new Error(first.reason);
  const lost = first.context.device.lost;
  first.context.device.destroy();
  await lost;
  const second = await getGpu();
  if (second.kind === 'none') throw new Error(second.reason);
  const output = await runSelfTest(second.context.device, new Float32Array(values));
  return { newDevice: second.context.device !== first.context.device, output: Array.from(output) };
}
