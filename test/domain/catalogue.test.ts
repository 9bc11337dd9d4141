import { describe, expect, it } from 'vitest';
import { encodeId, parseId, decodeId } from '../../src/domain/ids.js';
import { PERMISSIONS } from '../../src/domain/permissions.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';

describe('permission catalogue', () => {
  it('has the 132 wire values of Arize, each once', () => {
    expect(PERMISSIONS).toHaveLength(132);
    expect(new Set(PERMISSIONS).size).toBe(132);
  });

  it('orders predefined roles ANNOTATOR ⊂ MEMBER ⊂ ADMIN and READ_ONLY ⊂ MEMBER, so MEMBERS can mint READ_ONLY keys', () => {
    const set = (k: keyof typeof PREDEFINED_ROLES) => new Set(PREDEFINED_ROLES[k].permissions);
    for (const p of set('ANNOTATOR')) expect(set('MEMBER').has(p)).toBe(true);
    for (const p of set('READ_ONLY')) expect(set('MEMBER').has(p)).toBe(true);
    for (const p of set('MEMBER')) expect(set('ADMIN').has(p)).toBe(true);
    expect(set('MEMBER').has('ROLE_BINDING_CREATE')).toBe(false);
    expect(set('MEMBER').has('PROJECT_RESTRICT')).toBe(false);
    expect(set('ADMIN').has('USER_CREATE')).toBe(false);
  });
});

describe('ids', () => {
  it('are padded standard base64 of Type:n, as Arize clients detect ids', () => {
    expect(encodeId('User', 12)).toBe('VXNlcjoxMg==');
    expect(parseId('VXNlcjoxMg==')).toEqual({ type: 'User', n: 12 });
  });

  it('reject unpadded, url-safe, foreign-typed and garbage ids with a 400 naming the field', () => {
    for (const bad of ['VXNlcjoxMg', 'not an id', '', 'U3BhY2U6MQ==', '%%%', 'VXNlcjowMQ==']) {
      expect(() => decodeId('User', bad, 'user_id')).toThrowError(/user_id/);
    }
  });
});
