import { paginate } from '../pagination.js';
import { segment, type HttpTransport } from '../http-transport.js';
import type { OAuthGrant, OAuthGrantList, OAuthGrantListParams } from '../types.js';

/** `/v2/oauth-grants`: CLI logins (`ax auth login`). Their tokens are never listed. */
export class OAuthGrantsResource {
  constructor(private readonly http: HttpTransport) {}

  /**
   * One page of live CLI logins: the caller's own, or (`user_id`, account admins) another user's.
   *
   * @example
   * const { oauth_grants } = await ax.oauthGrants.list();
   * for (const login of oauth_grants) console.log(login.client_name, login.last_used_at ?? 'never used');
   */
  async list(params: OAuthGrantListParams = {}): Promise<OAuthGrantList> {
    return (await this.http.request<OAuthGrantList>({ method: 'GET', path: '/v2/oauth-grants', query: { ...params } })).body;
  }

  iterate(params: Omit<OAuthGrantListParams, 'cursor'> = {}): AsyncGenerator<OAuthGrant, void, undefined> {
    return paginate((cursor) => this.list({ limit: 100, ...params, cursor }), (page) => page.oauth_grants);
  }

  /** Ends a login: its access token is refused from the next request on, and its refresh token no longer refreshes. */
  async revoke(grantId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/v2/oauth-grants/${segment(grantId)}` });
  }
}
