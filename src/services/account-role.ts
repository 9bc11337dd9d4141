import { isoNow } from '../domain/clock.js';
import { ApiError, notFound, unprocessable } from '../domain/errors.js';
import { mayAuthenticate } from '../domain/user-standing.js';
import type { AccountRoleKey } from '../store/schema.js';
import { forAccount } from '../store/account-store.js';
import { personEdit } from '../store/change-feed.js';
import { requireAccountAdmin } from './authorize.js';
import { confinedToUser } from './dry-run.js';
import { type Actor, runMutation } from './mutation.js';
import type { ServiceDeps } from './service-deps.js';
import { findLiveUser } from './users-lookup.js';
import type { ListedUser } from './users.js';

/**
 * Sets a person's account role (account admins only; `PUT /v2/users/{user_id}/role`). Only an ADMIN may call it and
 * ADMIN is the highest account role, so no caller can grant above its own role. One transaction with its audit row
 * (the text names the role before and after); the access version is bumped first and the user is announced on the
 * change feed with the snapshot's edit, so every credential of the user (console session, USER keys) gets or loses
 * admin rights on its next request, in every process.
 *
 * The choice is an admin's: `role_source` and `role_before_sync` are cleared, so an SSO or SCIM sync never demotes
 * it (a sync demotes only an ADMIN it promoted itself). A sync may still promote a MEMBER or ANNOTATOR whose
 * mappings say ADMIN, as identity.md allows. Bots (service-key users) are 422: their role belongs to their key. The
 * last ACTIVE account ADMIN cannot be demoted: 422 LAST_ACTIVE_ADMIN (as it cannot be deleted or deactivated) (the admins' rows stay locked until commit).
 */
export async function setAccountRole(ctx: ServiceDeps, actor: Actor, userId: string, role: AccountRoleKey): Promise<ListedUser> {
  const { principal } = actor;
  requireAccountAdmin(principal, "change users' account roles");
  const audited: Actor = { ...actor };
  return runMutation(ctx, audited, async (trx, changes) => {
    const target = await findLiveUser(trx, principal.accountId, userId);
    if (target.is_bot) throw unprocessable('user_id: bot users take their account role from their service key and cannot be changed here');
    const store = forAccount(trx, principal.accountId);
    if (target.role === 'ADMIN' && role !== 'ADMIN') {
      const admins = await store.users.lockActiveAdmins();
      if (admins.includes(target.id) && !admins.some((a) => a !== target.id)) {
        throw new ApiError('LAST_ACTIVE_ADMIN', 'user_id: this is the last ACTIVE account ADMIN; make another user an ADMIN first');
      }
    }
    const now = isoNow(ctx.clock);
    await store.syncedGrants.setAccountRole(target.id, { role, roleSource: null, roleBeforeSync: null, now });
    audited.text = JSON.stringify({ role, previous_role: target.role });
    changes.user(target.id);
    changes.patchAccess(personEdit({ id: target.id, role }, mayAuthenticate(target)));
    const user = await store.users.findListed(target.id, now);
    if (!user) throw notFound('user');
    return user;
  }, { confinedTo: confinedToUser(userId) });
}
