/**
 * Ends the current main-thread task and resumes in a new one, so that a long job cut into slices
 * (large uploads and read-backs, inputs sent to workers, a large picture painted in bands) leaves
 * the page free to take input and paint between them, with no single long task.
 * `scheduler.yield()` where the browser has it (it resumes ahead of other queued tasks), else a
 * message to itself: setTimeout(0) would be delayed by 4 ms once timeouts nest.
 */
export function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
