/**
 * The browser tests' entry into the engine (loaded by harness.html). Only the test build
 * (vite.e2e.config.ts) has it: it adds this page to the app's own code under the app's own CSP, so
 * that Playwright can run kernels on fresh random inputs and compare them with the reference
 * without driving the UI for every case. `npm run build` never includes it. Each area adds its
 * checks as a module in this folder.
 */
import * as foundation from './foundationChecks';
import * as mask from './maskChecks';
import * as engine from './engineChecks';
import * as headFirst from './headFirstChecks';
import * as cpuEngine from './cpuEngineChecks';
import * as teaching from './teachingChecks';
import * as uniforms from './uniformChecks';

const harness = {
  ...foundation,
  ...engine,
  ...headFirst,
  ...cpuEngine,
  ...mask,
  ...teaching,
  ...uniforms,
};

export type Harness = typeof harness;

declare global {
  interface Window {
    flexmaskHarness?: Harness;
  }
}

window.flexmaskHarness = harness;
document.body.dataset.ready = 'true';
