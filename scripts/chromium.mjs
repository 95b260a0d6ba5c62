// @ts-check
// Chromium for everything that drives the page (the browser tests, the benches): which browser,
// and the one set of launch flags they all use.
//
// Finding it: $CHROMIUM_PATH, then the usual system paths; as root on Debian,
// `apt-get install chromium`; otherwise stop with a message that says what to install.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Flags that let Chromium run headless on a closed network: no sandbox, no calls home. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The same with WebGPU on. On a machine without a GPU, Chromium's WebGPU runs on SwiftShader, a
 * software Vulkan.
 */
export const WEBGPU_FLAGS = [
  ...CHROMIUM_FLAGS,
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
];

/** The same with WebGPU off: the page's CPU path, as in a browser without WebGPU. */
export const NO_WEBGPU_FLAGS = [...CHROMIUM_FLAGS, '--disable-webgpu'];

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

function firstExisting() {
  return CANDIDATES.find((path) => existsSync(path));
}

function isRootOnDebian() {
  return (
    typeof process.getuid === 'function' &&
    process.getuid() === 0 &&
    existsSync('/etc/debian_version') &&
    existsSync('/usr/bin/apt-get')
  );
}

/**
 * The path of a Chromium-family browser; throws with advice when there is none.
 * @param {{ install?: boolean }} [options] install: as root on Debian, apt-get one when none is found
 * @returns {string}
 */
export function findChromium({ install = true } = {}) {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) {
      throw new Error(`CHROMIUM_PATH is set to ${override}, but no file is there.`);
    }
    return override;
  }
  const found = firstExisting();
  if (found) return found;
  if (install && isRootOnDebian()) {
    console.log('Chromium is missing; installing Debian\'s "chromium" package (apt-get)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    const installed = firstExisting();
    if (installed) return installed;
  }
  throw new Error(
    'No Chromium-family browser found. Install one (Debian/Ubuntu: `sudo apt-get install chromium`; ' +
      'macOS: Chromium or Google Chrome), or point the tests at it with CHROMIUM_PATH=/path/to/chrome.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(findChromium());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
