import type { Static } from '@sinclair/typebox';
import { segment, type HttpTransport } from '../http-transport.js';
import type { AccessPreview as AccessPreviewSchema } from '../../wire/access-preview.js';
import type { AddMemberRequest, CreateRoleBindingRequest, UpdateRoleRequest } from '../types.js';

/**
 * What a change would do to access (`?dry_run=true`): each principal's permissions gained and lost, by resource,
 * and the rows the change would remove with it.
 */
export type AccessPreview = Static<typeof AccessPreviewSchema>;

/**
 * Previews of the changes that move rights: each method sends the change with `?dry_run=true` and answers its
 * AccessPreview; nothing is written or audited. (The removals of members and users answer their cascade, with the
 * same `principals`, from `removeUser(…, { dry_run: true })` and `users.delete(…, { dry_run: true })`.)
 *
 * @example
 * const preview = await ax.previews.deleteRoleBinding(bindingId);
 * for (const p of preview.principals) console.log(p.email, p.changes.map((c) => c.lost));
 */
export class AccessPreviewsResource {
  constructor(private readonly http: HttpTransport) {}

  createRoleBinding(body: CreateRoleBindingRequest): Promise<AccessPreview> {
    return this.preview('POST', '/v2/role-bindings', body);
  }

  updateRoleBinding(bindingId: string, body: { role_id: string }): Promise<AccessPreview> {
    return this.preview('PATCH', `/v2/role-bindings/${segment(bindingId)}`, body);
  }

  deleteRoleBinding(bindingId: string): Promise<AccessPreview> {
    return this.preview('DELETE', `/v2/role-bindings/${segment(bindingId)}`);
  }

  addOrganizationUser(orgId: string, body: AddMemberRequest): Promise<AccessPreview> {
    return this.preview('POST', `/v2/organizations/${segment(orgId)}/users`, body);
  }

  addSpaceUser(spaceId: string, body: AddMemberRequest): Promise<AccessPreview> {
    return this.preview('POST', `/v2/spaces/${segment(spaceId)}/users`, body);
  }

  restrict(resourceId: string): Promise<AccessPreview> {
    return this.preview('POST', '/v2/resource-restrictions', { resource_id: resourceId });
  }

  unrestrict(resourceId: string): Promise<AccessPreview> {
    return this.preview('DELETE', `/v2/resource-restrictions/${segment(resourceId)}`);
  }

  updateRole(roleId: string, body: UpdateRoleRequest): Promise<AccessPreview> {
    return this.preview('PATCH', `/v2/roles/${segment(roleId)}`, body);
  }

  revokeApiKey(apiKeyId: string): Promise<AccessPreview> {
    return this.preview('PUT', `/v2/api-keys/${segment(apiKeyId)}/revoke`);
  }

  /** An account role change (`PUT /v2/users/{user_id}/role`). */
  setAccountRole(userId: string, role: 'ADMIN' | 'MEMBER' | 'ANNOTATOR'): Promise<AccessPreview> {
    return this.preview('PUT', `/v2/users/${segment(userId)}/role`, { role });
  }

  private async preview(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<AccessPreview> {
    return (await this.http.request<AccessPreview>({ method, path, query: { dry_run: true }, ...(body === undefined ? {} : { body }) })).body;
  }
}
