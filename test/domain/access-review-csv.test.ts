import { describe, expect, it } from 'vitest';
import { ACCESS_REVIEW_CSV_COLUMNS, accessReviewCsv } from '../../src/domain/access-review-csv.js';

describe('accessReviewCsv', () => {
  it('writes a header and one RFC 4180 line per grant, quoting commas, quotes and line breaks', () => {
    const text = accessReviewCsv([{ id: 'a', principal_name: 'Doe, "Jane"', note: 'two\nlines' }, { id: 'b' }]);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(ACCESS_REVIEW_CSV_COLUMNS.join(','));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(lines[1]).toBe(`a,,,"Doe, ""Jane""",${','.repeat(16)}"two\nlines",`);
    expect(lines[2]).toBe(`b${','.repeat(ACCESS_REVIEW_CSV_COLUMNS.length - 1)}`);
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    const line = accessReviewCsv([{ id: '=HYPERLINK("x")', note: '+1', principal_name: '-2', resource_name: '@sum' }]).split('\r\n')[1]!;
    expect(line.startsWith(`"'=HYPERLINK(""x"")"`)).toBe(true);
    expect(line).toContain(",'-2,");
    expect(line).toContain(",'@sum,");
    expect(line).toContain(",'+1,");
  });
});
