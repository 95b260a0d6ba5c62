import { describe, expect, it } from 'vitest';
import { GpuRunError, exclusive, withErrorScopes } from './runScope';

/** The part of GPUDevice the scopes use, with errors the test plants per scope kind. */
function fakeDevice(planted: Partial<Record<GPUErrorFilter, string>> = {}) {
  const stack: GPUErrorFilter[] = [];
  const device = {
    pushErrorScope: (filter: GPUErrorFilter) => stack.push(filter),
    popErrorScope: () => {
      const filter = stack.pop();
      if (!filter) return Promise.reject(new Error('empty stack'));
      const message = planted[filter];
      return Promise.resolve(message ? { message } : null);
    },
    depth: () => stack.length,
  };
  return device;
}

function asDevice(fake: ReturnType<typeof fakeDevice>): GPUDevice {
  return fake as unknown as GPUDevice;
}

describe('withErrorScopes', () => {
  it('returns the job’s result when no scope caught anything, with the stack balanced', async () => {
    const fake = fakeDevice();
    await expect(withErrorScopes(asDevice(fake), undefined, async () => 42)).resolves.toBe(42);
    expect(fake.depth()).toBe(0);
  });

  it('a validation error fails the run as flexmask’s bug, even though the job returned', async () => {
    const fake = fakeDevice({ validation: 'Binding size (16) is smaller than the minimum (32).' });
    const run = withErrorScopes(asDevice(fake), undefined, async () => 'zeros');
    await expect(run).rejects.toThrow(GpuRunError);
    await expect(run).rejects.toThrow(/rejected this run's commands.*bug in flexmask/);
    expect(fake.depth()).toBe(0);
  });

  it('an out-of-memory error says what to lower', async () => {
    const fake = fakeDevice({ 'out-of-memory': 'Not enough memory left.' });
    await expect(withErrorScopes(asDevice(fake), undefined, async () => 1)).rejects.toThrow(
      /ran out of memory.*Lower B, H, Q_LEN or KV_LEN/,
    );
  });

  it('a cancelled run stays an AbortError whatever the scopes caught', async () => {
    const fake = fakeDevice({ validation: 'late' });
    const control = new AbortController();
    control.abort();
    const run = withErrorScopes(asDevice(fake), control.signal, async () => 1);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an AbortError the run did not ask for (a buffer unmapped under it) is a run error', async () => {
    const fake = fakeDevice();
    const run = withErrorScopes(asDevice(fake), new AbortController().signal, () =>
      Promise.reject(new DOMException('Buffer was destroyed before mapping.', 'AbortError')),
    );
    await expect(run).rejects.toThrow(GpuRunError);
  });

  it('other failures pass through unchanged', async () => {
    const fake = fakeDevice();
    const run = withErrorScopes(asDevice(fake), undefined, () =>
      Promise.reject(new RangeError('too many workgroups')),
    );
    await expect(run).rejects.toThrow(RangeError);
    expect(fake.depth()).toBe(0);
  });
});

describe('exclusive', () => {
  it('runs jobs on one device one after another, even when one fails', async () => {
    const device = asDevice(fakeDevice());
    const log: string[] = [];
    const job =
      (name: string, fail = false) =>
      async () => {
        log.push(`${name} start`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(`${name} end`);
        if (fail) throw new Error(name);
        return name;
      };
    const a = exclusive(device, job('a', true));
    const b = exclusive(device, job('b'));
    await expect(a).rejects.toThrow('a');
    await expect(b).resolves.toBe('b');
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end']);
  });
});
