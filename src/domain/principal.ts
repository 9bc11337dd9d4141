import type { AccountRoleKey } from './account-roles.js';

/** Who a request acts as: a user (via a USER key or a console session) or a bot user (via a SERVICE key). */
export interface Principal {
  accountId: number;
  userId: number;
  name: string;
  email: string;
  role: AccountRoleKey;
  isBot: boolean;
  /** The API key that authenticated the request, when it was a key. */
  apiKeyId?: number;
  /** The console session, when the request came from the web console. */
  sessionId?: number;
  /** The CLI login (OAuth grant row), when the request came with an OAuth access token (`ax auth login`). */
  oauthGrantId?: number;
}
