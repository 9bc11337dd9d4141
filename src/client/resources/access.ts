import type { HttpTransport } from '../http-transport.js';
import type { AccessCheckRequest, AccessCheckResult, AccessChecksRequest, AccessChecksResult, AccessPrincipals, GrantableRoles, Me } from '../types.js';

/** Access decisions and their explanations (beyond Arize's surface), and the caller's own identity. */
export class AccessResource {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Whether a user holds a permission on a resource, with the grants (or the restriction) that decided it.
   *
   * @example
   * const { allowed, reasons } = await ax.access.check({ user_id, permission: 'PROJECT_READ', resource_id });
   */
  async check(body: AccessCheckRequest): Promise<AccessCheckResult> {
    return (await this.http.request<AccessCheckResult>({ method: 'POST', path: '/v2/access/check', body })).body;
  }

  /**
   * Several checks in one request (1..100), answered in order; each answer is what {@link check} would answer.
   *
   * @example
   * const { results } = await ax.access.checks({ checks: [
   *   { user_id, permission: 'SPACE_UPDATE', resource_id: spaceId }, { user_id, permission: 'SPACE_DELETE', resource_id: spaceId },
   * ] });
   */
  async checks(body: AccessChecksRequest): Promise<AccessChecksResult> {
    return (await this.http.request<AccessChecksResult>({ method: 'POST', path: '/v2/access/checks', body })).body;
  }

  /**
   * The predefined roles the caller may grant on an organization, space or project (the privilege ceiling: roles
   * whose every permission the caller holds there), and the account roles a service key the caller creates may get.
   */
  async grantableRoles(resourceId: string): Promise<GrantableRoles> {
    return (await this.http.request<GrantableRoles>({ method: 'GET', path: '/v2/access/grantable-roles', query: { resource_id: resourceId } })).body;
  }

  /** Every principal with access to a resource, and why. */
  async principals(resourceId: string): Promise<AccessPrincipals> {
    return (await this.http.request<AccessPrincipals>({ method: 'GET', path: '/v2/access/principals', query: { resource_id: resourceId } })).body;
  }

  /** The principal the API key authenticates as. */
  async me(): Promise<Me> {
    return (await this.http.request<Me>({ method: 'GET', path: '/v2/me' })).body;
  }
}
