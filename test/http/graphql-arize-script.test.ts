import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, createOrganization, enc } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * "A script written against Arize's GraphQL documentation for memberships and keys runs unchanged" (issue 15):
 * the documents below are Arize's published examples as its pages print them (forming calls; the admin API page:
 * createSpace, getUserIDs, removeMemberFromSpace, addMembertoSpace), with the placeholder ids filled in as a script
 * fills them in, sent as Arize says to send them (POST, JSON body, the key in `x-api-key`). The key mutations use
 * Arize's operation and input names (createUserApiKey, createServiceApiKey with its legacy `spaceId`, revokeApiKey).
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

// ---- Arize's documents, verbatim ------------------------------------------------------------------------------

/** Forming calls: the first query of Arize's guide. */
const VIEWER = 'query { viewer { user { name } }}';

/** Admin API, "Create Space" (with its variables). */
const CREATE_SPACE = `mutation createSpace(
  $accountOrganizationId: ID!
  $name: String!
  $private: Boolean!

) {
  createSpace(
    input: {
      accountOrganizationId: $accountOrganizationId
      name: $name
      private: $private
    }
  ) {
    space {
      name
      id
    }
  }
}`;

/** Admin API, "Query for Users in an Organization". */
const GET_USER_IDS = `query getUserIDs{
  node(id:"organization_id"){
    ... on AccountOrganization {
      accountOrganizationUsers{
        edges{
          node{
            user{
              email
              name
              id
            }
          }
        }
      }
    }
  }
}`;

/** Admin API, "Delete Users from Space". */
const REMOVE_MEMBER = `mutation removeMemberFromSpace{
  removeSpaceMember(input:
  {
    spaceId:"space_id" #desired space to delete user from 
    userId: "user_id" #returned from the query for users in an org
  })
  {
    clientMutationId
  }
}`;

/** Admin API, "Add Users to Space". */
const ADD_MEMBER = `mutation addMembertoSpace{
  assignSpaceMembership(input:
  {
    spaceMemberships:[
      {
        userId: "user_id" 
        spaceId: "space_id" #desired space to add user
        role: member #admin, member, readOnly
      }
    ]
  }){
    spaceMemberships{
      id
      role
    }
  }
}`;

// ---- the script -----------------------------------------------------------------------------------------------

/** What a script does with Arize's examples: replaces the placeholder ids. */
const fill = (document: string, ids: Record<string, string>) => Object.entries(ids).reduce((d, [placeholder, id]) => d.replaceAll(`"${placeholder}"`, `"${id}"`), document);

/** Arize's transport: POST, a JSON body with `query` (and `variables`), the key in `x-api-key`. */
async function call(key: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST', headers: { 'x-api-key': key, 'Content-Type': 'application/json' }, body: JSON.stringify(variables ? { query, variables } : { query }),
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

describe('a script written against Arize\'s GraphQL documentation', () => {
  it('onboards a team: space, memberships (add, list, remove) and keys (user key, service key, revocation), unchanged', async () => {
    const admin = server.adminKey;
    const alice = await createUserWithKey(server, { email: 'arize-script-alice@example.com', name: 'Alice' });
    const org = await createOrganization(server, 'arize-script-org');
    await addOrganizationMember(server, org, alice.id, 'MEMBER');

    expect((await call(admin, VIEWER)).viewer.user.name).toEqual(expect.any(String));

    const created = await call(admin, CREATE_SPACE, { accountOrganizationId: org, name: 'arize-script-space', private: true });
    const space = created.createSpace.space as { name: string; id: string };
    expect(space.name).toBe('arize-script-space');

    const users = await call(admin, fill(GET_USER_IDS, { organization_id: org }));
    const aliceId = users.node.accountOrganizationUsers.edges.map((e: { node: { user: { email: string; id: string } } }) => e.node.user)
      .find((u: { email: string }) => u.email === alice.email).id as string;
    expect(aliceId).toBe(alice.id);

    const added = await call(admin, fill(ADD_MEMBER, { user_id: aliceId, space_id: space.id }));
    expect(added.assignSpaceMembership.spaceMemberships).toEqual([{ id: expect.any(String), role: 'member' }]);
    // The membership is REST's: the same id in the space's member list, and Alice now reads the private space.
    const members = await server.api('GET', `/v2/spaces/${enc(space.id)}/users`);
    expect(members.body.memberships.map((m: { id: string }) => m.id)).toContain(added.assignSpaceMembership.spaceMemberships[0].id);
    expect((await server.api('GET', `/v2/spaces/${enc(space.id)}`, { key: alice.key })).status).toBe(200);

    // Keys: a user key for Alice, a service key (and its bot) for the space, then both revoked.
    const userKey = await call(alice.key, 'mutation { createUserApiKey(input: { name: "arize-script-user-key" }) { apiKey { id name keyType status } key } }');
    expect(userKey.createUserApiKey.apiKey).toMatchObject({ name: 'arize-script-user-key', keyType: 'user', status: 'active' });
    const serviceKey = await call(admin, `mutation { createServiceApiKey(input: { name: "arize-script-bot", spaceId: "${space.id}" }) { apiKey { id keyType } key botUser { id } } }`);
    expect(serviceKey.createServiceApiKey.apiKey.keyType).toBe('service');
    // Arize: keys "can be used with both REST and GraphQL".
    for (const key of [userKey.createUserApiKey.key, serviceKey.createServiceApiKey.key]) {
      expect((await call(key, VIEWER)).viewer.user.name).toEqual(expect.any(String));
      expect((await server.api('GET', '/v2/me', { key })).status).toBe(200);
    }
    const listed = await call(alice.key, '{ viewer { apiKeys(keyType: user) { edges { node { id name } } } } }');
    expect(listed.viewer.apiKeys.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(userKey.createUserApiKey.apiKey.id);
    for (const [key, id] of [[alice.key, userKey.createUserApiKey.apiKey.id], [admin, serviceKey.createServiceApiKey.apiKey.id]] as const) {
      const revoked = await call(key, `mutation { revokeApiKey(input: { apiKeyId: "${id}" }) { apiKey { id status } } }`);
      expect(revoked.revokeApiKey.apiKey).toEqual({ id, status: 'revoked' });
    }
    expect((await server.api('GET', '/v2/me', { key: userKey.createUserApiKey.key })).status).toBe(401);

    const removed = await call(admin, fill(REMOVE_MEMBER, { space_id: space.id, user_id: aliceId }));
    expect(removed.removeSpaceMember).toEqual({ clientMutationId: null });
    expect((await server.api('GET', `/v2/spaces/${enc(space.id)}`, { key: alice.key })).status).toBe(404);

    // Every change is one audit row named after the document's operation, as REST records its own.
    const audit = (await server.api('GET', '/v2/audit-logs?limit=20')).body.logs.map((l: { operation_name: string }) => l.operation_name);
    expect(audit).toEqual(expect.arrayContaining(['createSpace', 'addMembertoSpace', 'removeMemberFromSpace', 'graphql:revokeApiKey', 'graphql:createServiceApiKey']));
  });
});
