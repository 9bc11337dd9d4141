import { describe, expect, it } from 'vitest';
import { Transport, encodeQuery, segment } from '../../src/client/transport.js';

describe('request encoding, as Arize\'s generated clients do it', () => {
  it('repeats array keys, writes booleans as true/false and leaves undefined out', () => {
    expect(encodeQuery({ status: ['ACTIVE', 'INVITED'], is_predefined: false, limit: 100, cursor: undefined })).toBe('?status=ACTIVE&status=INVITED&is_predefined=false&limit=100');
    expect(encodeQuery({ name: 'Platform Team' })).toBe('?name=Platform+Team');
    expect(encodeQuery({})).toBe('');
    expect(encodeQuery(undefined)).toBe('');
  });

  it('percent-encodes ids in paths (they contain +, / and =)', () => {
    expect(segment('U3BhY2U6MTox+/=')).toBe('U3BhY2U6MTox%2B%2F%3D');
  });

  it('accepts only http(s) endpoints and drops a trailing slash', () => {
    expect(new Transport({ endpoint: 'http://127.0.0.1:8080/' }).endpoint).toBe('http://127.0.0.1:8080');
    expect(() => new Transport({ endpoint: 'ftp://example.com' })).toThrow(TypeError);
  });
});
