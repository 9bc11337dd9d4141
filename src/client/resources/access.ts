import type { Transport } from '../transport.js';
import type { AccessCheckRequest, AccessCheckResult, AccessPrincipals, Me } from '../types.js';

/** Access decisions and their explanations (beyond Arize's surface), and the caller's own identity. */
export class AccessResource {
  constructor(private readonly http: Transport) {}

  /**
   * Whether a user holds a permission on a resource, with the grants (or the restriction) that decided it.
   *
   * @example
   * const { allowed, reasons } = await ax.access.check({ user_id, permission: 'PROJECT_READ', resource_id });
   */
  async check(body: AccessCheckRequest): Promise<AccessCheckResult> {
    return (await this.http.request<AccessCheckResult>({ method: 'POST', path: '/v2/access/check', body })).body;
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
