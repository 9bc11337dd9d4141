import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { accessDocumentSchemaText } from '../../src/wire/access-document.js';

const committed = readFileSync(new URL('../../docs/access-document.schema.json', import.meta.url), 'utf8');

describe('docs/access-document.schema.json', () => {
  it('is the wire schema as committed (run `npm run docs:access-schema` after changing src/wire/access-document.ts)', () => {
    expect(committed).toBe(accessDocumentSchemaText());
  });

  it('is published with the package, and checks documents as the server does', () => {
    const files: string[] = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).files;
    expect(files.some((f) => f === 'docs' || f.startsWith('docs/'))).toBe(true);
    const ajv = new Ajv.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(committed));
    expect(validate({ version: 1, organizations: [{ name: 'o', members: [{ user: 'a@example.com', role: 'Member', expires_at: '2030-01-01T00:00:00Z' }] }] })).toBe(true);
    expect(validate({ version: 1, roles: [{ name: 'r', permissions: ['NOT_A_PERMISSION'] }] })).toBe(false);
    expect(validate({ version: 1, organizations: [{ name: 'o', owner: 'x' }] })).toBe(false);
  });
});
