import type { AccountRoleKey } from './account-roles.js';

/** An API key with its principal, as the store reads it and the key verifier caches it. */
export interface KeyRecord {
  key_id: number;
  secret_hash: string;
  status: 'ACTIVE' | 'REVOKED';
  expires_at: string | null;
  replaced_by_id: number | null;
  user_id: number;
  account_id: number;
  name: string;
  email: string;
  role: AccountRoleKey;
  is_bot: number;
  user_status: string;
  deleted_at: string | null;
  /** Set while the user is deactivated: none of its keys works. */
  deactivated_at: string | null;
}
