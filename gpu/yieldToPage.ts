/**
 * Lets the page handle input and paint between slices of a long job on the main thread (large
 * uploads and read-backs), so that no single task runs long. `scheduler.yield()` where the
 * browser has it (it resumes ahead of other queued tasks), else a macrotask.
 */
export function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}
