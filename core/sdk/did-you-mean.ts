/**
 * "Did you mean …?" for a name nobody knows: a config key, an event type, a setting. One helper, so that every
 * message that refuses a name suggests the same way.
 */

/**
 * Edit distance with adjacent transpositions counting as one edit (optimal string alignment), so that both
 * `succeded` and `sucecede` are one edit from what was meant.
 */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => rows[i]![j]!;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      rows[i]![j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * A typo rather than another word: at most three edits, and more than 40 % of the longer name kept (the rule
 * commander suggests commands by), so that `agency` finds `agencies` but `id` does not find `url`.
 */
function isNear(name: string, candidate: string, distance: number): boolean {
  const length = Math.max(name.length, candidate.length);
  return distance <= 3 && (length - distance) / length > 0.4;
}

/** The known names nearest to `name` (ties all kept, in the order given), or none when nothing is near. Case is ignored. */
export function nearestNames(name: string, known: Iterable<string>): string[] {
  const wanted = name.toLowerCase();
  let best = Number.POSITIVE_INFINITY;
  let nearest: string[] = [];
  for (const candidate of new Set(known)) {
    if (candidate === name) continue;
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (!isNear(name, candidate, distance) || distance > best) continue;
    if (distance < best) [best, nearest] = [distance, [candidate]];
    else nearest.push(candidate);
  }
  return nearest;
}

/**
 * The end of a one-line message about an unknown `name`: ` (did you mean 'instances'?)` when a known name is near,
 * otherwise ` (known: a, b, c)` naming what `known` holds (`listing` says how, e.g. `events`), or '' when it is empty.
 */
export function didYouMean(name: string, known: Iterable<string>, listing = 'known'): string {
  const names = [...new Set(known)];
  const nearest = nearestNames(name, names);
  if (nearest.length > 0) return ` (did you mean ${nearest.map((candidate) => `'${candidate}'`).join(' or ')}?)`;
  return names.length > 0 ? ` (${listing}: ${names.join(', ')})` : '';
}
