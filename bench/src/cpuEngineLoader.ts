/**
 * Loads flexmask's CPU engine for the bench on first use, so a page that never runs it starts no
 * workers, and a failure to load shows as that engine's "not run" row.
 */
import type { RunOnCpuEngine } from './flexmaskCpu';

export async function loadCpuEngine(): Promise<RunOnCpuEngine> {
  const { runOnCpuEngine } = await import('../../app/engine/cpuEngine');
  return (request) => runOnCpuEngine(request);
}
