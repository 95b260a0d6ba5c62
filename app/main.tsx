import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CPU_MAX_LENGTH } from './engine/cpuRun';
import { deviceBufferLimits } from './engine/gpuStatus';
import { runScenario } from './engine/run';
import { compileOffThread } from './mask/compileClient';
import { startRunner } from './state/runner';
import { browserEnv, startShareLink } from './state/shareLink';
import { playground } from './state/store';
import { prepareInputs } from './state/uploads';
import { limitsForCpu, limitsForGpu, type UrlLimits } from './url';
import { App } from './App';
import './styles.css';

/** The caps the device puts on a link's sizes: its buffer limits, or the CPU fallback's. */
async function deviceLimits(): Promise<Partial<UrlLimits>> {
  const limits = await deviceBufferLimits();
  return limits ? limitsForGpu(limits) : limitsForCpu(CPU_MAX_LENGTH);
}

async function boot(): Promise<void> {
  // The link opens first, so the first run and the first paint are of the link's scenario.
  try {
    await startShareLink({ env: browserEnv(), deviceLimits: deviceLimits() });
  } catch (error) {
    // Never a blank page: without share links the app still opens on the default scenario.
    console.warn('flexmask: the share link could not be set up', error);
  }
  // The store drives the engine: every edit (debounced) compiles (in a worker) and runs it.
  startRunner(playground, { compile: compileOffThread, runScenario, prepareInputs });

  const root = document.getElementById('root');
  if (root) {
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  }
}

void boot();
