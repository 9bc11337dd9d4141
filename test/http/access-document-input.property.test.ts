import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify, type ToStringOptions } from 'yaml';
import { readAccessDocument } from '../../src/http/access-document-input.js';
import { PERMISSIONS } from '../../src/domain/permissions.js';
import { propertyRuns } from '../helpers/property-runs.js';

/**
 * A document's text is read by js-yaml when it is a valid document without aliases, and by `yaml` (which keeps
 * positions for its errors) otherwise: both must read every text as `yaml` does. Documents are drawn with names
 * YAML finds awkward (quotes, colons, `#`, `yes`, `null`, numbers, leading spaces, line breaks, any Unicode) and
 * written in the styles people and the export write them.
 */
const name = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.constantFrom('yes', 'no', 'null', '~', 'true', '1e3', '0x1F', '012', '1_000', '2026-12-07', ': x', '- a', '#c', "'q'", '"d"', ' lead', 'tab\there', 'a\nb', '[x]', '{y}', '&a', '*b', '!t', '%p', '@at', '`bt`', '|', '>'),
).filter((s) => /\S/.test(s) && !s.includes('\u0000'));
const grant = fc.record({ user: fc.oneof(fc.emailAddress(), name.filter((s) => [...s].length >= 3)), role: name, reason: fc.option(name, { nil: undefined }) }, { requiredKeys: ['user', 'role'] });
const document = fc.record({
  version: fc.constant(1 as const),
  roles: fc.array(fc.record({ name, permissions: fc.subarray([...PERMISSIONS], { maxLength: 4 }) }), { maxLength: 2 }),
  organizations: fc.array(fc.record({
    name,
    description: fc.option(name, { nil: undefined }),
    members: fc.array(grant, { maxLength: 2 }),
    spaces: fc.array(fc.record({
      name,
      private: fc.option(fc.boolean(), { nil: undefined }),
      members: fc.array(grant, { maxLength: 2 }),
      role_bindings: fc.array(grant, { maxLength: 1 }),
      projects: fc.array(fc.record({
        name, restricted: fc.option(fc.boolean(), { nil: undefined }), role_bindings: fc.array(grant, { maxLength: 1 }),
      }, { requiredKeys: ['name'] }), { maxLength: 2 }),
    }, { requiredKeys: ['name'] }), { maxLength: 2 }),
  }, { requiredKeys: ['name'] }), { maxLength: 2 }),
}, { requiredKeys: ['version'] });
const style = fc.constantFrom<ToStringOptions>(
  {}, { defaultStringType: 'QUOTE_DOUBLE' }, { defaultStringType: 'QUOTE_SINGLE' }, { collectionStyle: 'flow' }, { indentSeq: false }, { lineWidth: 20 },
);

describe('an access document as text', () => {
  it('reads as `yaml` reads it, whichever parser answers', () => {
    fc.assert(fc.property(document, style, (value, options) => {
      const text = stringify(value, options);
      expect(readAccessDocument(text).document).toEqual(parse(text));
    }), propertyRuns(300));
  });

  it('a document with aliases is read with them expanded', () => {
    const text = 'version: 1\nroles:\n  - name: A\n    permissions: &p [PROJECT_READ, PROJECT_SPAN_READ]\n  - name: B\n    permissions: *p\n';
    expect(readAccessDocument(text).document).toEqual({
      version: 1, roles: [{ name: 'A', permissions: ['PROJECT_READ', 'PROJECT_SPAN_READ'] }, { name: 'B', permissions: ['PROJECT_READ', 'PROJECT_SPAN_READ'] }],
    });
  });
});
