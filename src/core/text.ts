/** Longest text the features look at: a real command or question is short; a 200 KB paste is not one. */
const MAX_TEXT_EXAMINED = 4000;

// Control and format characters (zero-width joiners, bidi marks and isolates, soft hyphens) change
// nothing a person reads but can hide a command or break matching. Line breaks and tabs stay.
const invisible = /[\p{Cf}\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;

/** Text as the features see it: well-formed, visible characters only, bounded in length. */
export function cleanText(raw: string): string {
  const head = raw.length > MAX_TEXT_EXAMINED ? raw.slice(0, MAX_TEXT_EXAMINED) : raw;
  return head.toWellFormed().replace(invisible, '').normalize('NFKC');
}

// Three reusable rows, so a flood of distinct words allocates nothing per comparison.
const ROWS = [new Int32Array(40), new Int32Array(40), new Int32Array(40)] as const;

/**
 * Optimal string alignment distance: a swapped pair of letters ("concren") is one edit, as people
 * type it. Gives up (returns max + 1) once past `max`, and for words of 40 letters or more.
 * `substitutionCost` 2 makes changing a letter dearer than dropping, doubling or swapping one, for
 * matchers where one changed letter usually makes another real word ("score"/"swore").
 */
export function editDistance(a: string, b: string, max: number, substitutionCost = 1): number {
  if (Math.abs(a.length - b.length) > max || a.length >= 40 || b.length >= 40) return max + 1;
  let [prev2, prev, cur] = ROWS;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : substitutionCost;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]!;
}
