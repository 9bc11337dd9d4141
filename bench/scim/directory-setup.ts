import { decodeId } from '../../src/domain/ids.js';
import { SamlTestIdp } from '../../test/helpers/saml-idp.js';

/** What the SCIM rows need of the account a directory provisions into. */
export interface ProvisionedAccount {
  /** The SCIM token's raw value. */
  token: string;
  /** The space the `g-2` group's mapping grants the custom role on (its row id). */
  spaceId: number;
  /** The custom role's permission that only that mapping gives: `check()` reads it after a membership change. */
  permission: 'SPACE_UPDATE';
}

async function call(url: string, adminKey: string, method: string, path: string, body: unknown, expect: number): Promise<{ id: string; token?: string }> {
  const res = await fetch(url + path, {
    method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as { id: string; token?: string };
}

/**
 * Through the admin API, as an administrator onboards a directory: an organization with one space, a custom role,
 * a SAML provider for example.com whose mappings give group `g-1` the organization's Member role and group `g-2`
 * the custom role on the space, and a SCIM token for it.
 */
export async function provisionAccount(url: string, adminKey: string): Promise<ProvisionedAccount> {
  const get = await fetch(`${url}/v2/roles?is_predefined=true`, { headers: { authorization: `Bearer ${adminKey}` } });
  const member = ((await get.json()) as { roles: { id: string; name: string }[] }).roles.find((r) => r.name === 'Member');
  if (!member) throw new Error('no predefined Member role');
  const org = await call(url, adminKey, 'POST', '/v2/organizations', { name: 'directory-org' }, 201);
  const space = await call(url, adminKey, 'POST', '/v2/spaces', { name: 'directory-space', organization_id: org.id }, 201);
  const custom = await call(url, adminKey, 'POST', '/v2/roles', { name: 'directory-editor', permissions: ['SPACE_READ', 'SPACE_UPDATE'] }, 201);
  const idp = await call(url, adminKey, 'POST', '/v2/saml-identity-providers', {
    name: 'bench-directory', email_domains: ['example.com'], metadata_xml: (await SamlTestIdp.create()).metadataXml(),
    role_mappings: [
      { attributes_map: { group: 'g-1' }, org_role: { org_id: org.id, role_id: member.id } },
      { attributes_map: { group: 'g-2' }, space_roles: [{ space_id: space.id, role_id: custom.id }] },
    ],
  }, 201);
  const token = await call(url, adminKey, 'POST', `/v2/saml-identity-providers/${encodeURIComponent(idp.id)}/scim-tokens`, { name: 'bench' }, 201);
  return { token: token.token!, spaceId: decodeId('Space', space.id, 'space_id'), permission: 'SPACE_UPDATE' };
}
