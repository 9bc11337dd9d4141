import type { AxClient } from '../../../client/client.js';
import type { EvaluatedGrant, OidcIdentityProviderSummary, RoleMapping, SamlIdentityProviderSummary } from '../../../client/types.js';
import type { Column } from '../../output/printer.js';
import { idType } from '../../resolve/id.js';
import type { Protocol } from './providers.js';

export type ProviderRow = (SamlIdentityProviderSummary | OidcIdentityProviderSummary) & { protocol?: Protocol };

export function providerColumns(withProtocol: boolean): Column<ProviderRow>[] {
  return [
    { header: 'ID', value: (p) => p.id },
    ...(withProtocol ? [{ header: 'PROTOCOL', value: (p: ProviderRow) => p.protocol }] : []),
    { header: 'NAME', value: (p) => p.name, shrinkable: true },
    { header: 'EMAIL DOMAINS', value: (p) => p.email_domains.map((d) => d.domain).join(', '), shrinkable: true },
    { header: 'ENABLED', value: (p) => p.enabled },
    { header: 'ONLY SSO', value: (p) => p.allow_only_sso_logins },
    { header: 'SYNC ROLES', value: (p) => p.sync_user_roles },
    { header: 'CREATED AT', value: (p) => p.created_at },
  ];
}

/**
 * Names for the ids a mapping or an evaluation names (organizations, spaces, projects, roles), looked up for the
 * human tables only (json and yaml print the API's ids); an id that cannot be read stays an id.
 */
export class NameBook {
  private readonly names = new Map<string, string>();

  private constructor(private readonly client: AxClient) {}

  static async of(client: AxClient, ids: Iterable<string | undefined>): Promise<NameBook> {
    const book = new NameBook(client);
    await book.load(new Set([...ids].filter((id): id is string => id !== undefined)));
    return book;
  }

  label(id: string | undefined): string {
    if (id === undefined) return '';
    return this.names.get(id) ?? id;
  }

  private async load(ids: Set<string>): Promise<void> {
    const byType = (type: string) => [...ids].filter((id) => idType(id) === type);
    const roles = byType('Role');
    const tasks: Promise<void>[] = [];
    if (roles.length > 0) {
      tasks.push((async () => {
        for await (const role of this.client.roles.iterate()) this.names.set(role.id, role.name);
      })());
    }
    const getters: [string, (id: string) => Promise<{ name: string }>][] = [
      ['Organization', (id) => this.client.organizations.get(id)],
      ['Space', (id) => this.client.spaces.get(id)],
      ['Project', (id) => this.client.projects.get(id)],
    ];
    for (const [type, get] of getters) {
      for (const id of byType(type)) {
        tasks.push(get(id).then((found) => void this.names.set(id, found.name), () => undefined));
      }
    }
    await Promise.all(tasks.map((task) => task.catch(() => undefined)));
  }
}

export function mappingIds(mappings: readonly RoleMapping[]): string[] {
  return mappings.flatMap((m) => [
    m.org_role?.org_id, m.org_role?.role_id,
    ...m.space_roles.flatMap((s) => [s.space_id, s.role_id]),
    ...m.project_roles.flatMap((p) => [p.project_id, p.role_id]),
  ].filter((id): id is string => id !== undefined));
}

export function mappingColumns(book: NameBook): Column<RoleMapping>[] {
  const pair = (resource: string, role: string) => `${book.label(resource)}: ${book.label(role)}`;
  return [
    { header: 'POSITION', value: (m) => m.position },
    { header: 'ID', value: (m) => m.id },
    {
      header: 'MATCHES',
      value: (m) => Object.entries(m.attributes_map).map(([name, value]) => `${name}=${value}`).join(', ') || '(everyone)',
      shrinkable: true,
    },
    { header: 'ACCOUNT ADMIN', value: (m) => m.is_account_admin },
    { header: 'ORG ROLE', value: (m) => (m.org_role ? pair(m.org_role.org_id, m.org_role.role_id) : ''), shrinkable: true },
    { header: 'SPACE ROLES', value: (m) => m.space_roles.map((s) => pair(s.space_id, s.role_id)).join(', '), shrinkable: true },
    { header: 'PROJECT ROLES', value: (m) => m.project_roles.map((p) => pair(p.project_id, p.role_id)).join(', '), shrinkable: true },
  ];
}

const KIND_LABELS: Record<EvaluatedGrant['kind'], string> = {
  ACCOUNT_ADMIN: 'account admin',
  ORGANIZATION_MEMBERSHIP: 'organization membership',
  SPACE_MEMBERSHIP: 'space membership',
  SPACE_ROLE_BINDING: 'space role binding',
  PROJECT_ROLE_BINDING: 'project role binding',
};

export function grantIds(grants: readonly EvaluatedGrant[]): (string | undefined)[] {
  return grants.flatMap((g) => [g.resource_id, g.role_id]);
}

export function grantColumns(book: NameBook): Column<EvaluatedGrant>[] {
  return [
    { header: 'GRANT', value: (g) => KIND_LABELS[g.kind] ?? g.kind },
    { header: 'RESOURCE', value: (g) => book.label(g.resource_id), shrinkable: true },
    { header: 'ROLE', value: (g) => book.label(g.role_id), shrinkable: true },
    {
      header: 'FROM',
      value: (g) => (g.origin === 'MAPPING' ? `rule #${g.mapping_position ?? '?'}` : g.origin === 'DEFAULT' ? 'default login' : `implied${g.mapping_position === undefined ? '' : ` by rule #${g.mapping_position}`}`),
    },
  ];
}
