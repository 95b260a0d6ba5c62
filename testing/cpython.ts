/**
 * Finds a CPython with NumPy for the differential tests (Node only, never bundled: test support
 * lives in testing/, which product code may not import): the tests that check against files
 * NumPy writes, against NumPy's own arithmetic, or run the PyTorch export.
 *
 * It tries `python3` on the PATH, then Debian's `/usr/bin/python3`. When neither has NumPy and
 * the tests run as root on Debian, it installs `python3-numpy` with apt-get (so CI on a bare
 * machine passes); anywhere else it stops with a message that says what to install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['python3', '/usr/bin/python3'];

let found: string | null = null;

function hasNumpy(python: string): boolean {
  const probe = spawnSync(python, ['-c', 'import numpy'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

function installNumpy(): string {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]) => spawnSync('apt-get', args, { encoding: 'utf8', env });
  let install = apt(['install', '-y', '-qq', 'python3-numpy']);
  if (install.status !== 0) {
    apt(['update', '-qq']);
    install = apt(['install', '-y', '-qq', 'python3-numpy']);
  }
  if (install.status === 0 && hasNumpy('/usr/bin/python3')) return '/usr/bin/python3';
  throw new Error(`apt-get install -y python3-numpy failed:\n${install.stderr}`);
}

/** The path of a python3 with NumPy, installing it when allowed; throws with advice otherwise. */
export function pythonWithNumpy(): string {
  if (found) return found;
  const ready = CANDIDATES.find(hasNumpy);
  if (ready) {
    found = ready;
  } else if (process.getuid?.() === 0 && existsSync('/etc/debian_version')) {
    found = installNumpy();
  } else {
    throw new Error(
      'These tests need python3 with NumPy. Install it: `apt-get install python3-numpy` ' +
        '(Debian/Ubuntu) or `python3 -m pip install numpy`.',
    );
  }
  return found;
}
