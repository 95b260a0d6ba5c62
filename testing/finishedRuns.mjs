// @ts-check
/**
 * A log, kept in the page, of every run the playground finishes, read off what the page shows:
 * the `data-state` of its run status (`run-status` in the app, `embed-page` in an embed). The
 * browser tests (e2e/helpers.ts) and bench:latency wait on it for "the run after my edit"; the
 * store keeps no counter for them.
 *
 * Why the observer cannot miss a finished run: a finish is recorded when `data-state` changes to
 * 'done' or 'error', and a MutationObserver queues one record for every change, however close
 * together, never merging two. So a finish is missed only if the attribute does not change, i.e.
 * if the page never showed 'running' since the last finish. It always does: the runner
 * (app/state/runner.ts) sets 'running' the moment an edit arrives and starts the run in a later
 * task (at once for a control's edit, after the pause in typing otherwise), while React commits
 * the 'running' before that task (an update from an outside store is a synchronous update for
 * React, flushed in a microtask).
 * Records arrive in batches, so each record's new value is read from the next record on the
 * same element (its old value), or from the element itself for the last one.
 *
 * The functions below run in the page (page.addInitScript, page.evaluate, page.waitForFunction):
 * each uses nothing from outside its own body.
 */

/**
 * Page-side: starts the log in this document, unless it is already kept. Observes the whole
 * document, so the status element may be replaced (the app switching to an embed) without loss.
 */
export function recordFinishedRuns() {
  const page = /** @type {{ flexmaskFinishedRuns?: string[] }} */ (/** @type {unknown} */ (window));
  if (page.flexmaskFinishedRuns) return;
  /** @type {string[]} */
  const finished = [];
  page.flexmaskFinishedRuns = finished;
  const observer = new MutationObserver((records) => {
    records.forEach((record, i) => {
      const element = /** @type {Element} */ (record.target);
      const id = element.getAttribute('data-testid');
      if (id !== 'run-status' && id !== 'embed-page') return;
      const next = records.slice(i + 1).find((r) => r.target === element);
      const state = next ? next.oldValue : element.getAttribute('data-state');
      if (state === record.oldValue) return;
      if (state === 'done' || state === 'error') finished.push(state);
    });
  });
  observer.observe(document, {
    subtree: true,
    attributes: true,
    attributeFilter: ['data-state'],
    attributeOldValue: true,
  });
}

/**
 * Page-side: the log so far, with the document it belongs to (its time origin): a document the
 * page opens later starts a log of its own.
 * @returns {{ document: number, finished: string[] }}
 */
export function readFinishedRuns() {
  const page = /** @type {{ flexmaskFinishedRuns?: string[] }} */ (/** @type {unknown} */ (window));
  return { document: performance.timeOrigin, finished: [...(page.flexmaskFinishedRuns ?? [])] };
}

/**
 * Page-side: the states of the runs finished after the first `count` of this document's log, or
 * null while there are none (a predicate for page.waitForFunction).
 * @param {number} count
 * @returns {string[] | null}
 */
export function runsFinishedAfter(count) {
  const page = /** @type {{ flexmaskFinishedRuns?: string[] }} */ (/** @type {unknown} */ (window));
  const finished = page.flexmaskFinishedRuns ?? [];
  return finished.length > count ? finished.slice(count) : null;
}
