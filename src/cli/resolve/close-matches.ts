/**
 * Candidates that look like what was typed: same text in another case, one containing the other, or a small edit
 * distance. Used for "did you mean" lists.
 */
export function closeMatches(input: string, candidates: Iterable<string>, max = 5): string[] {
  const wanted = input.toLowerCase();
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(candidates)) {
    const lower = name.toLowerCase();
    let score: number;
    if (lower === wanted) score = 0;
    else if (lower.includes(wanted) || wanted.includes(lower)) score = 1;
    else {
      const distance = editDistance(wanted, lower);
      if (distance > Math.max(2, Math.floor(wanted.length / 4))) continue;
      score = 1 + distance;
    }
    scored.push({ name, score });
  }
  return scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name)).slice(0, max).map((s) => s.name);
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
