import { afterEach, describe, expect, it, vi } from 'vitest';
import { backgroundTask } from './backgroundTask';

const holder = globalThis as { scheduler?: unknown };

describe('backgroundTask', () => {
  afterEach(() => {
    delete holder.scheduler;
    vi.useRealTimers();
  });

  it('asks the scheduler for a background-priority task, and cancels it through its signal', () => {
    const posted: { priority: string; signal: AbortSignal }[] = [];
    holder.scheduler = {
      postTask: (_task: () => void, options: { priority: string; signal: AbortSignal }) => {
        posted.push(options);
        return new Promise<void>(() => undefined);
      },
    };
    const cancel = backgroundTask(() => undefined);
    expect(posted.map((o) => o.priority)).toEqual(['background']);
    expect(posted[0].signal.aborted).toBe(false);
    cancel();
    expect(posted[0].signal.aborted).toBe(true);
  });

  it('swallows the rejection of a cancelled task', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    holder.scheduler = {
      postTask: (_task: () => void, options: { signal: AbortSignal }) =>
        new Promise<void>((_resolve, reject) => {
          options.signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    };
    backgroundTask(() => undefined)();
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off('unhandledRejection', onRejection);
    expect(rejections).toEqual([]);
  });

  it("throws the callback's own error again, outside the promise", async () => {
    vi.useFakeTimers();
    holder.scheduler = {
      postTask: (task: () => void) => new Promise<void>((resolve) => resolve(task())),
    };
    backgroundTask(() => {
      throw new Error('the editor failed');
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(() => vi.runAllTimers()).toThrow('the editor failed');
  });

  it('without the scheduler, runs in a later task unless cancelled', () => {
    vi.useFakeTimers();
    const ran: string[] = [];
    backgroundTask(() => ran.push('kept'));
    const cancel = backgroundTask(() => ran.push('cancelled'));
    cancel();
    expect(ran).toEqual([]);
    vi.runAllTimers();
    expect(ran).toEqual(['kept']);
  });
});
