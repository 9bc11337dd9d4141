import { HttpError } from '../../client/errors.js';

/** Counts what an iterator yields; undefined when the caller may not list it (403) so the sentence can stay vague. */
export async function countOrUnknown(items: AsyncIterable<unknown>): Promise<number | undefined> {
  try {
    let n = 0;
    for await (const _ of items) n += 1;
    return n;
  } catch (error) {
    if (error instanceof HttpError && (error.status === 403 || error.status === 404)) return undefined;
    throw error;
  }
}

/** `1 role binding`, `3 role bindings`, or the vague phrase when the count is unknown. */
export function plural(n: number | undefined, singular: string, pluralForm = `${singular}s`, unknown = `their ${pluralForm}`): string {
  if (n === undefined) return unknown;
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
