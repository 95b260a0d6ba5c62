import { getGpu } from '../../gpu/device';
import { runSelfTest } from '../../gpu/selfTest';

/** Runs the self-test kernel on the given values. */
export async function selfTest(values: number[]): Promise<number[]> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const out = await runSelfTest(gpu.context.device, new Float32Array(values));
  return Array.from(out);
}
