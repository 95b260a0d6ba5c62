/**
 * The browser tests' entry into the engine. It is built beside the app (same CSP, same code) so
 * that Playwright can run kernels on fresh random inputs and compare them with the reference
 * without driving the UI for every case. Each area adds its checks as a module in app/testing/.
 */
import * as foundation from './testing/foundationChecks';
import * as mask from './testing/maskChecks';
import * as engine from './testing/engineChecks';
import * as teaching from './testing/teachingChecks';

const harness = { ...foundation, ...engine, ...mask, ...teaching };

export type Harness = typeof harness;

declare global {
  interface Window {
    flexmaskHarness?: Harness;
  }
}

window.flexmaskHarness = harness;
document.body.dataset.ready = 'true';
