import { describe, expect, it } from 'vitest';
import type { AccessDelta } from '../../src/access/index.js';
import { MAX_PREVIEW_CHANGES } from '../../src/domain/preview-bound.js';
import { describeChange } from '../../src/services/dry-run.js';
import type { ServiceDeps } from '../../src/services/service-deps.js';

/**
 * Every answer that lists principals lists at most MAX_PREVIEW_CHANGES changes of access, whichever way they were
 * measured: a confined dry run's difference (a restriction on a project that every user reaches) is not stopped
 * early as a whole-account one is, so the bound is applied where the answer is made.
 */
describe('the bound of a preview', () => {
  const cascade = { organizationMemberships: 0, spaceMemberships: 0, roleBindings: 0, resourceRestrictions: 0, serviceKeys: 0 };
  const deltas = (n: number): AccessDelta[] => Array.from({ length: n }, (_, i) => ({
    userId: i + 1, isBot: false, resource: { type: 'PROJECT', id: 7 }, resourceName: 'chat', gained: [], lost: ['PROJECT_READ'],
  }));
  // Past the bound nothing is read to name the principals: a context without a store shows it.
  const noStore = {} as ServiceDeps;

  it('past the bound, answers no principals and says they were omitted, without naming anyone', async () => {
    expect(await describeChange(noStore, 1, { deltas: deltas(MAX_PREVIEW_CHANGES + 1), cascade }))
      .toEqual({ principals: [], principalsOmitted: true, cascade });
  });

  it('a difference stopped early is omitted too; nothing to list is not', async () => {
    expect(await describeChange(noStore, 1, { deltas: [], principalsOmitted: true, cascade })).toMatchObject({ principals: [], principalsOmitted: true });
    expect(await describeChange(noStore, 1, { deltas: [], cascade })).toEqual({ principals: [], principalsOmitted: false, cascade });
  });
});
