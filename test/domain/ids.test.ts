import { describe, expect, it } from 'vitest';
import { encodeId, MAX_ROW_ID, parseId } from '../../src/domain/ids.js';

/** A copy of the text, so that a lookup by text, not the same string object, is what answers. */
const fresh = (text: string) => [...text].join('');

describe('parseId', () => {
  it('answers the same for an id however often it is asked, and never keeps a malformed one', () => {
    const space = encodeId('Space', 123);
    for (let i = 0; i < 3; i++) expect(parseId(fresh(space))).toEqual({ type: 'Space', n: 123 });
    // Zero, past the row ids, not a number, unpadded ("Space:1" without its "=="), empty, not base64, over 200 characters.
    const malformed = [btoa('Space:0'), btoa(`Space:${MAX_ROW_ID + 1}`), btoa('Space:12x'), 'U3BhY2U6MQ', '', 'not base64!', btoa(`${'S'.repeat(160)}:1`)];
    for (const bad of malformed) {
      for (let i = 0; i < 2; i++) expect(parseId(fresh(bad)), bad).toBeUndefined();
    }
  });

  it('stays right past the number of ids it keeps, and its answers cannot be changed by a caller', () => {
    for (let n = 1; n <= 3000; n++) expect(parseId(fresh(encodeId('Project', n)))?.n).toBe(n);
    for (let n = 1; n <= 3000; n += 7) expect(parseId(fresh(encodeId('Project', n)))).toEqual({ type: 'Project', n });
    const answer = parseId(encodeId('User', 5))!;
    expect(() => { (answer as { n: number }).n = 6; }).toThrow(TypeError);
    expect(parseId(encodeId('User', 5))).toEqual({ type: 'User', n: 5 });
  });
});
