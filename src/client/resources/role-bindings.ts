import { paginate } from '../pagination.js';
import { segment, type HttpTransport } from '../http-transport.js';
import type { CreateRoleBindingRequest, RoleBinding, RoleBindingList, RoleBindingListParams } from '../types.js';

/** `/v2/role-bindings`: a custom role granted to a user on a space or project. */
export class RoleBindingsResource {
  constructor(private readonly http: HttpTransport) {}

  /** One page of bindings on one resource type (the server requires `resource_type`). */
  async list(params: RoleBindingListParams): Promise<RoleBindingList> {
    return (await this.http.request<RoleBindingList>({ method: 'GET', path: '/v2/role-bindings', query: { ...params } })).body;
  }

  iterate(params: Omit<RoleBindingListParams, 'cursor'>): AsyncGenerator<RoleBinding, void, undefined> {
    return paginate((cursor) => this.list({ limit: 100, ...params, cursor }), (page) => page.role_bindings);
  }

  async get(bindingId: string): Promise<RoleBinding> {
    return (await this.http.request<RoleBinding>({ method: 'GET', path: `/v2/role-bindings/${segment(bindingId)}` })).body;
  }

  /** One binding per (user, resource): a second create is a 409 whatever its role. */
  async create(body: CreateRoleBindingRequest): Promise<RoleBinding> {
    return (await this.http.request<RoleBinding>({ method: 'POST', path: '/v2/role-bindings', body })).body;
  }

  /** Only the role of a binding can change. */
  async update(bindingId: string, body: { role_id: string }): Promise<RoleBinding> {
    return (await this.http.request<RoleBinding>({ method: 'PATCH', path: `/v2/role-bindings/${segment(bindingId)}`, body })).body;
  }

  async delete(bindingId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/v2/role-bindings/${segment(bindingId)}` });
  }
}
