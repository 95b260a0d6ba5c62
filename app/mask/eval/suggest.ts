/**
 * "Did you mean": the closest known name to an unknown one, with bounded work on any input.
 * Names whose lengths differ by more than the allowed distance are skipped before any edit
 * distance is computed, and the distance itself gives up past that bound (a banded computation),
 * so a 50,000-character name costs microseconds, not seconds.
 */

/** Longest name worth a suggestion (Python's own limit is similar in spirit). */
const MAX_SUGGESTED_LENGTH = 64;

export function suggestName(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length > MAX_SUGGESTED_LENGTH) return undefined;
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === name || candidate.startsWith('__')) continue;
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const d = boundedDistance(name, candidate, bestDistance - 1);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

/** Levenshtein distance if it is at most `bound`, else bound + 1 (only a diagonal band is filled). */
export function boundedDistance(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  const big = bound + 1;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j += 1) previous[j] = j <= bound ? j : big;
  for (let i = 1; i <= a.length; i += 1) {
    const from = Math.max(1, i - bound);
    const to = Math.min(b.length, i + bound);
    current.fill(big);
    current[0] = i <= bound ? i : big;
    let rowBest = current[0];
    for (let j = from; j <= to; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost, big);
      rowBest = Math.min(rowBest, current[j]);
    }
    if (rowBest > bound) return big;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[b.length], big);
}
