import { paginate } from '../pagination.js';
import { segment, type HttpTransport } from '../http-transport.js';
import type { ResourceRestriction, ResourceRestrictionList, ResourceRestrictionListParams } from '../types.js';

/** `/v2/resource-restrictions`: projects that only explicit project bindings can reach. */
export class ResourceRestrictionsResource {
  constructor(private readonly http: HttpTransport) {}

  async list(params: ResourceRestrictionListParams = {}): Promise<ResourceRestrictionList> {
    return (await this.http.request<ResourceRestrictionList>({ method: 'GET', path: '/v2/resource-restrictions', query: { ...params } })).body;
  }

  iterate(params: Omit<ResourceRestrictionListParams, 'cursor'> = {}): AsyncGenerator<ResourceRestriction, void, undefined> {
    return paginate((cursor) => this.list({ limit: 100, ...params, cursor }), (page) => page.resource_restrictions);
  }

  /** Restricts a project; idempotent (restricting again returns the existing record). */
  async restrict(resourceId: string): Promise<ResourceRestriction> {
    return (await this.http.request<ResourceRestriction>({ method: 'POST', path: '/v2/resource-restrictions', body: { resource_id: resourceId } })).body;
  }

  /** Lifts the restriction of a project, by the project's id; 404 when it is not restricted. */
  async unrestrict(resourceId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/v2/resource-restrictions/${segment(resourceId)}` });
  }
}
