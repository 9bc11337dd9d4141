import { paginate } from '../pagination.js';
import { segment, type HttpTransport } from '../http-transport.js';
import type { OrganizationDeleteCascade,
  AddMemberRequest, CreateOrganizationRequest, Organization, OrganizationList, OrganizationListParams, OrganizationMember,
  OrganizationMemberList, OrganizationMembership, PageParams, RemovalCascade, RemovalParams, UpdateOrganizationRequest,
} from '../types.js';

/** `/v2/organizations` and their memberships. */
export class OrganizationsResource {
  constructor(private readonly http: HttpTransport) {}

  /** One page of the organizations visible to the caller; `name` is a case-insensitive substring. */
  async list(params: OrganizationListParams = {}): Promise<OrganizationList> {
    return (await this.http.request<OrganizationList>({ method: 'GET', path: '/v2/organizations', query: { ...params } })).body;
  }

  iterate(params: Omit<OrganizationListParams, 'cursor'> = {}): AsyncGenerator<Organization, void, undefined> {
    return paginate((cursor) => this.list({ limit: 100, ...params, cursor }), (page) => page.organizations);
  }

  async get(orgId: string): Promise<Organization> {
    return (await this.http.request<Organization>({ method: 'GET', path: `/v2/organizations/${segment(orgId)}` })).body;
  }

  async create(body: CreateOrganizationRequest): Promise<Organization> {
    return (await this.http.request<Organization>({ method: 'POST', path: '/v2/organizations', body })).body;
  }

  /** `description: null` clears the description. */
  async update(orgId: string, body: UpdateOrganizationRequest): Promise<Organization> {
    return (await this.http.request<Organization>({ method: 'PATCH', path: `/v2/organizations/${segment(orgId)}`, body })).body;
  }

  /** Irreversible; cascades to the organization's spaces, projects and memberships. */
  async delete(orgId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/v2/organizations/${segment(orgId)}` });
  }

  /**
   * What `delete` would take with it, counted by the server (the delete is run and rolled back: nothing changes).
   *
   * @example
   * const { role_bindings } = await ax.organizations.previewDelete(id);
   */
  async previewDelete(orgId: string): Promise<OrganizationDeleteCascade> {
    return (await this.http.request<OrganizationDeleteCascade>({ method: 'DELETE', path: `/v2/organizations/${segment(orgId)}`, query: { dry_run: true } })).body;
  }

  /** One page of the organization's members, each with its user (beyond Arize's surface). */
  async listUsers(orgId: string, params: PageParams = {}): Promise<OrganizationMemberList> {
    return (await this.http.request<OrganizationMemberList>({ method: 'GET', path: `/v2/organizations/${segment(orgId)}/users`, query: { ...params } })).body;
  }

  iterateUsers(orgId: string): AsyncGenerator<OrganizationMember, void, undefined> {
    return paginate((cursor) => this.listUsers(orgId, { limit: 100, cursor }), (page) => page.memberships);
  }

  /** Adds a member, or changes an existing member's role (upsert). */
  async addUser(orgId: string, body: AddMemberRequest): Promise<OrganizationMembership> {
    return (await this.http.request<OrganizationMembership>({ method: 'POST', path: `/v2/organizations/${segment(orgId)}/users`, body })).body;
  }

  /**
   * Removes a member from the organization and from every space in it. Answers the cascade when the server
   * sends one (`dry_run`, or `service_keys: 'rotate'` with the new raw keys); otherwise undefined (204).
   *
   * @example
   * const preview = await ax.organizations.removeUser(orgId, userId, { dry_run: true });
   * preview?.service_keys.map((k) => k.name);
   */
  async removeUser(orgId: string, userId: string, params: RemovalParams = {}): Promise<RemovalCascade | undefined> {
    const res = await this.http.request<RemovalCascade>({ method: 'DELETE', path: `/v2/organizations/${segment(orgId)}/users/${segment(userId)}`, query: { ...params } });
    return res.status === 200 ? res.body : undefined;
  }
}
