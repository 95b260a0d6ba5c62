import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { cpuShapeLimits } from './engine/cpuRun';
import { deviceBufferLimits } from './engine/gpuStatus';
import { runScenario } from './engine/run';
import { compileOffThread } from './mask/compileClient';
import { startRunner } from './state/runner';
import { browserEnv, startShareLink } from './state/shareLink';
import { playground } from './state/store';
import { prepareInputs } from './state/uploads';
import { gpuShapeLimits } from './engine/shape';
import type { ShapeKey } from './problem';
import { App } from './App';
import './styles.css';

/** How far the device lowers the shape limits: by its buffer limits, or the CPU engine's. */
async function deviceLimits(): Promise<Partial<Record<ShapeKey, number>>> {
  const limits = await deviceBufferLimits();
  return limits ? gpuShapeLimits(limits) : cpuShapeLimits();
}

async function boot(): Promise<void> {
  // The link opens first, so the first run and the first paint are of the link's scenario.
  try {
    await startShareLink({ env: browserEnv(), deviceLimits: deviceLimits() });
  } catch (error) {
    // Never a blank page: without share links the app still opens on the default scenario.
    console.warn('flexmask: the share link could not be set up', error);
  }
  // The store drives the engine: every edit (typing debounced) compiles (in a worker) and runs it.
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
