import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace, enc } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';

/** `ax access-reviews create|list|grants|diff|decide|export|close|verify` through the real binary (issue 18). */
let server: TestServer;
let home: string;
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  server = await startTestServer();
  home = mkdtempSync(join(tmpdir(), 'ax-reviews-'));
});
afterAll(async () => {
  await server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

const run = (args: string[]) => runAx(args, { env: { ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: home, NO_COLOR: '1' } });
async function ax(args: string[]) {
  const result = await run(args);
  expect(result.code, `ax ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

describe('ax access-reviews', () => {
  it('takes two reviews, diffs them, revokes a grant, exports CSV to stdout and to a file, closes and verifies', async () => {
    const org = await createOrganization(server, 'cli-review-org');
    const space = await createSpace(server, org, 'cli-review-space');
    const ada = await createUserWithKey(server, { email: 'ada@cli-reviews.example' });
    await addOrganizationMember(server, org, ada.id, 'MEMBER');

    const first = JSON.parse((await ax(['access-reviews', 'create', 'Q1', '-o', 'json'])).stdout);
    expect(first).toMatchObject({ name: 'Q1', status: 'open' });
    await addSpaceMember(server, space, ada.id, 'MEMBER');
    const second = JSON.parse((await ax(['access-reviews', 'create', 'Q2', '-o', 'json'])).stdout);

    const list = await ax(['access-reviews', 'list']);
    expect(list.stdout).toMatch(/Q2\s+open\s+0 of \d+/);
    expect(list.stdout).toContain(first.id);

    const diff = await ax(['access-reviews', 'diff', second.id, '--against', first.id]);
    expect(diff.stdout.trim().split('\n').slice(1)).toEqual([expect.stringMatching(/^\+\s+ada@cli-reviews\.example\s+SPACE_MEMBERSHIP\s+SPACE cli-review-space\s+MEMBER\s+MANUAL/)]);

    const grants = JSON.parse((await ax(['access-reviews', 'grants', second.id, '--principal', 'ada@cli-reviews.example', '-o', 'json'])).stdout).grants;
    const spaceGrant = grants.find((g: { source: string }) => g.source === 'SPACE_MEMBERSHIP');
    const decided = await ax(['access-reviews', 'decide', second.id, spaceGrant.id, 'revoke', '--note', 'not needed']);
    expect(decided.stdout).toMatch(/✓ Revoked SPACE_MEMBERSHIP MEMBER on SPACE cli-review-space of ada@cli-reviews\.example \(removed 0 organization memberships, 1 space memberships, 0 role bindings\)/);
    const members = (await server.api('GET', `/v2/spaces/${enc(space)}/users`)).body.memberships;
    expect(members.map((m: { user_id: string }) => m.user_id)).not.toContain(ada.id);
    // Keeping what the review revoked is a 409 whose suggestion is about the review, not "choose another name".
    const keep = await run(['access-reviews', 'decide', second.id, spaceGrant.id, 'keep']);
    expect(keep.code).toBe(4);
    expect(keep.stderr).toMatch(/409 Conflict; grant_id: this grant was revoked already/);
    expect(keep.stderr).toMatch(/^Suggestion: This review already revoked that grant.*`ax access-reviews grants REVIEW --decision undecided`/m);
    expect(keep.stderr).not.toMatch(/another name/);

    const csv = (await ax(['access-reviews', 'export', second.id])).stdout.split('\r\n');
    expect(csv[0]).toMatch(/^id,principal_type,/);
    expect(csv.find((line) => line.startsWith(`${spaceGrant.id},`))).toMatch(/,revoke,[^,]+,[^,]+@[^,]+,[^,]+,not needed,revoked$/);
    const file = join(home, 'q2.csv');
    const written = await ax(['access-reviews', 'export', second.id, '-o', file]);
    expect(written.stderr).toMatch(/Wrote \d+ grants to/);
    expect(readFileSync(file, 'utf8').split('\r\n')).toEqual(csv);

    expect((await ax(['access-reviews', 'close', second.id])).stdout).toMatch(/Closed Q2: 1 of \d+ grants decided, 1 revoked/);
    const again = await run(['access-reviews', 'decide', second.id, spaceGrant.id, 'keep']);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/closed/);
    expect(again.stderr).toMatch(/^Suggestion: A closed review's decisions are final; take a new review with `ax access-reviews create NAME`/m);
    expect((await ax(['access-reviews', 'verify', second.id, '-o', 'json'])).stdout).toMatch(/"valid": true/);
    expect((await run(['access-reviews', 'decide', second.id, spaceGrant.id, 'maybe'])).code).toBe(2);
  });
});
