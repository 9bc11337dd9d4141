/** `1 space`, `3 spaces`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

/** A live service key left with its bot in no space keeps existing but can do nothing. */
export function strandedKeys(n: number): string[] {
  return n === 0 ? [] : [`${plural(n, 'service key')} left in no space (they keep existing but can do nothing; revoke them on the API keys page)`];
}
