/**
 * The browser tests' entry into the engine. It is built beside the app (same CSP, same code) so
 * that Playwright can run kernels on fresh random inputs and compare them with the reference
 * without driving the UI for every case.
 */
import { getGpu } from '../gpu/device';
import { runSelfTest } from '../gpu/selfTest';

async function selfTest(values: number[]): Promise<number[]> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const out = await runSelfTest(gpu.context.device, new Float32Array(values));
  return Array.from(out);
}

const harness = { selfTest };

export type Harness = typeof harness;

declare global {
  interface Window {
    flexmaskHarness?: Harness;
  }
}

window.flexmaskHarness = harness;
document.body.dataset.ready = 'true';
