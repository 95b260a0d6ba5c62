/**
 * Runs `callback` in a main-thread task of the lowest priority: after the tasks already queued
 * that matter more (a run's next step, a worker's answer, input), where the browser has the
 * Prioritized Task Scheduling API (`scheduler.postTask`), else in the next task. Returns a
 * function that cancels it if it has not run yet.
 */
export function backgroundTask(callback: () => void): () => void {
  const scheduler = (
    globalThis as {
      scheduler?: {
        postTask?: (
          task: () => void,
          options: { priority: 'background'; signal: AbortSignal },
        ) => Promise<void>;
      };
    }
  ).scheduler;
  if (typeof scheduler?.postTask === 'function') {
    const controller = new AbortController();
    scheduler
      .postTask(callback, { priority: 'background', signal: controller.signal })
      .catch((error: unknown) => {
        // A cancelled task's promise rejects with the abort: expected. An error the callback
        // threw is not: it is thrown again outside the promise, as a timer's would be.
        if (controller.signal.aborted) return;
        setTimeout(() => {
          throw error;
        }, 0);
      });
    return () => controller.abort();
  }
  const timer = setTimeout(callback, 0);
  return () => clearTimeout(timer);
}
