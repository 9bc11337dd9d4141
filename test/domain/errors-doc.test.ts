import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorsDoc } from '../../src/domain/errors-doc.js';

describe('docs/errors.md', () => {
  it('is the catalogue as committed (run `npm run docs:errors` after changing src/domain/errors.ts)', () => {
    const committed = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderErrorsDoc());
  });
});
