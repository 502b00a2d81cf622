// "Did you mean" for field names and query keys: typos must be loud, and a loud error is kinder
// when it names the fix.

/** Lowercased with `_`, `-` and spaces removed, so `organizationId` and `organization-id` meet `organization_id`. */
function fold(s: string): string {
  let out = '';
  for (const ch of s.toLowerCase()) if (ch !== '_' && ch !== '-' && ch !== ' ') out += ch;
  return out;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transposition), giving up above `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (prevPrev[j - 2] as number) + 1);
      }
      row[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length] as number;
}

/**
 * The candidate `input` was most likely meant to be, or undefined when nothing is close: equal
 * after folding case and separators, or within an edit distance of about a third of its length.
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  // Suggestions are for typos of short names; a 10 kB key is not a typo.
  if (input.length === 0 || input.length > 64) return undefined;
  const folded = fold(input);
  const max = Math.max(1, Math.floor(folded.length / 3));
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const candidate of candidates) {
    const d = folded === fold(candidate) ? 0 : distance(folded, fold(candidate), max);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `; did you mean "actor"?` or the empty string, to append to a message. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const match = closestMatch(input, candidates);
  return match === undefined ? '' : `; did you mean "${match}"?`;
}
