import { paginate } from '../pagination.js';
import { segment, type HttpTransport } from '../http-transport.js';
import type { SpaceDeleteCascade,
  AddMemberRequest, CreateSpaceRequest, PageParams, Space, SpaceList, SpaceListParams, SpaceMember, SpaceMemberList,
  RemovalCascade, RemovalParams, SpaceMembership, UpdateSpaceRequest,
} from '../types.js';

/** `/v2/spaces` and their memberships. */
export class SpacesResource {
  constructor(private readonly http: HttpTransport) {}

  /** One page of spaces; `org_id` narrows to one organization, `name` is a case-insensitive substring. */
  async list(params: SpaceListParams = {}): Promise<SpaceList> {
    return (await this.http.request<SpaceList>({ method: 'GET', path: '/v2/spaces', query: { ...params } })).body;
  }

  iterate(params: Omit<SpaceListParams, 'cursor'> = {}): AsyncGenerator<Space, void, undefined> {
    return paginate((cursor) => this.list({ limit: 100, ...params, cursor }), (page) => page.spaces);
  }

  async get(spaceId: string): Promise<Space> {
    return (await this.http.request<Space>({ method: 'GET', path: `/v2/spaces/${segment(spaceId)}` })).body;
  }

  async create(body: CreateSpaceRequest): Promise<Space> {
    return (await this.http.request<Space>({ method: 'POST', path: '/v2/spaces', body })).body;
  }

  async update(spaceId: string, body: UpdateSpaceRequest): Promise<Space> {
    return (await this.http.request<Space>({ method: 'PATCH', path: `/v2/spaces/${segment(spaceId)}`, body })).body;
  }

  /** Irreversible; cascades to the space's projects, memberships and bindings. */
  async delete(spaceId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/v2/spaces/${segment(spaceId)}` });
  }

  /**
   * What `delete` would take with it, counted by the server (the delete is run and rolled back: nothing changes).
   *
   * @example
   * const { role_bindings } = await ax.spaces.previewDelete(id);
   */
  async previewDelete(spaceId: string): Promise<SpaceDeleteCascade> {
    return (await this.http.request<SpaceDeleteCascade>({ method: 'DELETE', path: `/v2/spaces/${segment(spaceId)}`, query: { dry_run: true } })).body;
  }

  /** One page of the space's members, each with its user (beyond Arize's surface). */
  async listUsers(spaceId: string, params: PageParams = {}): Promise<SpaceMemberList> {
    return (await this.http.request<SpaceMemberList>({ method: 'GET', path: `/v2/spaces/${segment(spaceId)}/users`, query: { ...params } })).body;
  }

  iterateUsers(spaceId: string): AsyncGenerator<SpaceMember, void, undefined> {
    return paginate((cursor) => this.listUsers(spaceId, { limit: 100, cursor }), (page) => page.memberships);
  }

  /** Adds a member (who must belong to the space's organization), or changes a member's role. */
  async addUser(spaceId: string, body: AddMemberRequest): Promise<SpaceMembership> {
    return (await this.http.request<SpaceMembership>({ method: 'POST', path: `/v2/spaces/${segment(spaceId)}/users`, body })).body;
  }

  /**
   * Removes a member and their role bindings on the space and its projects. Answers the cascade when the server
   * sends one (`dry_run`, or `service_keys: 'rotate'` with the new raw keys); otherwise undefined (204).
   */
  async removeUser(spaceId: string, userId: string, params: RemovalParams = {}): Promise<RemovalCascade | undefined> {
    const res = await this.http.request<RemovalCascade>({ method: 'DELETE', path: `/v2/spaces/${segment(spaceId)}/users/${segment(userId)}`, query: { ...params } });
    return res.status === 200 ? res.body : undefined;
  }
}
