import { paginate } from '../pagination.js';
import { segment, type HttpTransport } from '../http-transport.js';
import type { CreateRoleRequest, Role, RoleList, RoleListParams, UpdateRoleRequest } from '../types.js';

/** `/v2/roles`: predefined (read-only) and custom roles. */
export class RolesResource {
  constructor(private readonly http: HttpTransport) {}

  /** One page of roles; `is_predefined` true = system roles only, false = custom only. */
  async list(params: RoleListParams = {}): Promise<RoleList> {
    return (await this.http.request<RoleList>({ method: 'GET', path: '/v2/roles', query: { ...params } })).body;
  }

  iterate(params: Omit<RoleListParams, 'cursor'> = {}): AsyncGenerator<Role, void, undefined> {
    return paginate((cursor) => this.list({ limit: 100, ...params, cursor }), (page) => page.roles);
  }

  async get(roleId: string): Promise<Role> {
    return (await this.http.request<Role>({ method: 'GET', path: `/v2/roles/${segment(roleId)}` })).body;
  }

  /**
   * @example
   * await ax.roles.create({ name: 'Data Scientist', permissions: ['PROJECT_READ', 'DATASET_CREATE'] });
   */
  async create(body: CreateRoleRequest): Promise<Role> {
    return (await this.http.request<Role>({ method: 'POST', path: '/v2/roles', body })).body;
  }

  /** `permissions` replaces the whole set; `description: null` clears it. */
  async update(roleId: string, body: UpdateRoleRequest): Promise<Role> {
    return (await this.http.request<Role>({ method: 'PATCH', path: `/v2/roles/${segment(roleId)}`, body })).body;
  }

  /**
   * Deletes a custom role. While role bindings or memberships use it the server answers 409, unless `force` is set:
   * then they are removed with it.
   */
  async delete(roleId: string, options: { force?: boolean } = {}): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/v2/roles/${segment(roleId)}`, query: { force: options.force || undefined } });
  }
}
