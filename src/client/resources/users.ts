import { paginate } from '../pagination.js';
import { segment, type HttpTransport } from '../http-transport.js';
import type { AccountRoleName, CreatedUser, CreateUserRequest, RemovalCascade, RemovalParams, UpdateUserRequest, User, UserList, UserListParams } from '../types.js';

/** The answer of {@link UsersResource.create}: a new user (201), or the existing one for a repeated invite (200). */
export type CreateUserResult = { created: true; user: CreatedUser } | { created: false; user: User };

/** `/v2/users`: account users (bot users of service keys are not listed). */
export class UsersResource {
  constructor(private readonly http: HttpTransport) {}

  /** One page of users. `email` is a case-insensitive substring; `status` repeats (default: all three). */
  async list(params: UserListParams = {}): Promise<UserList> {
    return (await this.http.request<UserList>({ method: 'GET', path: '/v2/users', query: { ...params } })).body;
  }

  /** Every user matching `params`, following cursors. */
  iterate(params: Omit<UserListParams, 'cursor'> = {}): AsyncGenerator<User, void, undefined> {
    return paginate((cursor) => this.list({ limit: 100, ...params, cursor }), (page) => page.users);
  }

  async get(userId: string): Promise<User> {
    return (await this.http.request<User>({ method: 'GET', path: `/v2/users/${segment(userId)}` })).body;
  }

  /**
   * Invites a user. Inviting an existing email again (invite mode other than NONE) returns that user with
   * `created: false` and sends no second invitation.
   *
   * @example
   * const { user } = await ax.users.create({ name: 'Jane Doe', email: 'jane@example.com',
   *   role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'EMAIL_LINK' });
   */
  async create(body: CreateUserRequest): Promise<CreateUserResult> {
    const res = await this.http.request<CreatedUser>({ method: 'POST', path: '/v2/users', body });
    return res.status === 201 ? { created: true, user: res.body } : { created: false, user: res.body };
  }

  async update(userId: string, body: UpdateUserRequest): Promise<User> {
    return (await this.http.request<User>({ method: 'PATCH', path: `/v2/users/${segment(userId)}`, body })).body;
  }

  /**
   * Sets a person's account role (account admins; `PUT /v2/users/{user_id}/role`, ours, not Arize's). The last ACTIVE
   * account ADMIN cannot be demoted (422 `LAST_ACTIVE_ADMIN`); bots are refused (422).
   */
  async setRole(userId: string, role: AccountRoleName): Promise<User> {
    return (await this.http.request<User>({ method: 'PUT', path: `/v2/users/${segment(userId)}/role`, body: { role } })).body;
  }

  /**
   * Soft delete that cascades to memberships, role bindings and the user's API keys; idempotent. Answers the
   * cascade when the server sends one (`dry_run`, or `service_keys: 'rotate'` with the new raw keys); otherwise
   * undefined (204).
   */
  async delete(userId: string, params: RemovalParams = {}): Promise<RemovalCascade | undefined> {
    const res = await this.http.request<RemovalCascade>({ method: 'DELETE', path: `/v2/users/${segment(userId)}`, query: { ...params } });
    return res.status === 200 ? res.body : undefined;
  }

  /** Issues a fresh invitation (the user must be INVITED or EXPIRED). */
  async resendInvitation(userId: string): Promise<void> {
    await this.http.request({ method: 'POST', path: `/v2/users/${segment(userId)}/resend-invitation` });
  }

  /** Mails a password reset link and ends the user's sessions. */
  async resetPassword(userId: string): Promise<void> {
    await this.http.request({ method: 'POST', path: `/v2/users/${segment(userId)}/reset-password` });
  }

  /**
   * Deactivates a user (account admins): sessions, CLI logins and the user's USER keys stop working; the SERVICE keys
   * they created keep working unless `service_keys` says revoke or rotate. The user stays, reading `status: 'EXPIRED'`
   * with `deactivated_at`, until reactivated. Answers the cascade as {@link UsersResource.delete} does (`dry_run`, or
   * rotated keys); otherwise undefined (204).
   */
  async deactivate(userId: string, params: RemovalParams = {}): Promise<RemovalCascade | undefined> {
    const res = await this.http.request<RemovalCascade>({ method: 'POST', path: `/v2/users/${segment(userId)}/deactivate`, query: { ...params } });
    return res.status === 200 ? res.body : undefined;
  }

  /** Reactivates a deactivated user: ACTIVE again; the revoked USER keys and ended CLI logins stay gone. */
  async reactivate(userId: string): Promise<void> {
    await this.http.request({ method: 'POST', path: `/v2/users/${segment(userId)}/reactivate` });
  }
}
