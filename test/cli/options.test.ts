import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors/cli-error.js';
import { ACCOUNT_ROLES, displayEnum, enumOption, INVITE_MODES, KEY_TYPES, MEMBERSHIP_ROLES, normalizeEnum, parseEnum, USER_STATUSES } from '../../src/cli/options/enums.js';
import { parsePermission, parsePermissions } from '../../src/cli/options/permissions.js';
import { collectList, integerIn, parseInstant, parseSince } from '../../src/cli/options/values.js';

describe('enum flags', () => {
  it('accept the wire and the seed spelling, in any case, with - and _ alike', () => {
    expect(parseEnum('member', MEMBERSHIP_ROLES, '--role')).toBe('MEMBER');
    expect(parseEnum('MEMBER', MEMBERSHIP_ROLES, '--role')).toBe('MEMBER');
    expect(parseEnum('read-only', MEMBERSHIP_ROLES, '--role')).toBe('READ_ONLY');
    expect(parseEnum('READ_ONLY', MEMBERSHIP_ROLES, '--role')).toBe('READ_ONLY');
    expect(parseEnum('Read_Only', MEMBERSHIP_ROLES, '--role')).toBe('READ_ONLY');
    expect(parseEnum('email_link', INVITE_MODES, '--invite-mode')).toBe('EMAIL_LINK');
    expect(parseEnum('EMAIL-LINK', INVITE_MODES, '--invite-mode')).toBe('EMAIL_LINK');
    expect(parseEnum('service', KEY_TYPES, '--key-type')).toBe('SERVICE');
    expect(parseEnum('SERVICE', KEY_TYPES, '--key-type')).toBe('SERVICE');
    expect(normalizeEnum(' temporary password ')).toBe('TEMPORARY_PASSWORD');
  });

  it('reject anything else with the accepted values in the seed spelling', () => {
    expect(() => parseEnum('read-only', ACCOUNT_ROLES, '--role')).toThrow(UsageError);
    expect(() => parseEnum('owner', MEMBERSHIP_ROLES, '--role')).toThrow('expected one of: admin, member, read-only, annotator');
    expect(displayEnum('READ_ONLY')).toBe('read-only');
    expect(displayEnum('EMAIL_LINK')).toBe('email_link');
  });

  it('parse through commander, repeatable and comma-separated when asked', async () => {
    const cmd = new Command('t').exitOverride().configureOutput({ writeErr: () => undefined })
      .addOption(enumOption('-s, --status <s>', 'status', USER_STATUSES, true))
      .addOption(enumOption('-r, --role <r>', 'role', ACCOUNT_ROLES));
    cmd.parse(['-s', 'active', '--status', 'invited,Expired', '-r', 'Admin'], { from: 'user' });
    expect(cmd.opts()).toEqual({ status: ['ACTIVE', 'INVITED', 'EXPIRED'], role: 'ADMIN' });
    expect(() => cmd.parse(['-r', 'nobody'], { from: 'user' })).toThrow(/expected one of: admin, member, annotator/);
    expect(() => cmd.parse(['-r', 'admin,member'], { from: 'user' })).toThrow(/exactly one/);
  });
});

describe('permissions', () => {
  it('are checked against the catalogue, normalised, and deduplicated', () => {
    expect(parsePermissions('PROJECT_READ, dataset-create,PROJECT_READ')).toEqual(['PROJECT_READ', 'DATASET_CREATE']);
    expect(parsePermission('experiment_create')).toBe('EXPERIMENT_CREATE');
  });

  it('name an unknown one with close suggestions', () => {
    expect(() => parsePermissions('PROJECT_REED')).toThrow('unknown permission "PROJECT_REED"; did you mean PROJECT_READ?');
    expect(() => parsePermissions(' , ')).toThrow(/at least one/);
  });
});

describe('values', () => {
  it('parse ISO instants; UTC when no offset is given', () => {
    expect(parseInstant('2027-01-01T00:00:00', '--expires-at')).toBe('2027-01-01T00:00:00Z');
    expect(parseInstant('2027-01-01', '--expires-at')).toBe('2027-01-01T00:00:00Z');
    expect(parseInstant('2027-01-01T02:00:00+02:00', '--expires-at')).toBe('2027-01-01T00:00:00Z');
    expect(parseInstant('2027-01-01T00:00:00.250Z', '--expires-at')).toBe('2027-01-01T00:00:00.250Z');
    expect(() => parseInstant('tomorrow', '--expires-at')).toThrow(UsageError);
  });

  it('parse --since as a duration back from now or an instant', () => {
    const now = Date.parse('2026-05-18T12:00:00Z');
    expect(parseSince('24h', now)).toBe('2026-05-17T12:00:00Z');
    expect(parseSince('7d', now)).toBe('2026-05-11T12:00:00Z');
    expect(parseSince('90m', now)).toBe('2026-05-18T10:30:00Z');
    expect(parseSince('2w', now)).toBe('2026-05-04T12:00:00Z');
    expect(parseSince('2026-05-01T00:00:00Z', now)).toBe('2026-05-01T00:00:00Z');
    expect(() => parseSince('yesterday', now)).toThrow(/neither a duration nor an ISO 8601 time/);
  });

  it('parse bounded integers and repeatable lists', () => {
    expect(integerIn(0, 86_400)('3600')).toBe(3600);
    expect(() => integerIn(0, 86_400)('86401')).toThrow(/0 to 86400/);
    expect(() => integerIn(1, 100)('1.5')).toThrow();
    expect(collectList('a, b', ['x'])).toEqual(['x', 'a', 'b']);
  });
});
