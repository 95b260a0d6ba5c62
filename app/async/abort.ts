/**
 * Cancellation, spelled as the platform spells it: an error named 'AbortError'. A run is
 * cancelled between its stages; a Web Worker client rejects a request that a newer one replaced.
 * Callers tell a cancellation (which the page ignores) from a failure (which it shows) with
 * `isAbortError`. A leaf: it imports nothing.
 */

/** An AbortError saying why the work was dropped. */
export function abortError(message: string): Error {
  const error = new Error(message);
  error.name = 'AbortError';
  return error;
}

/** Throws an AbortError when the signal was aborted; called between the stages of a run. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError('The run was cancelled.');
}

/** Whether an error only says the work was cancelled or replaced (DOMException included). */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
