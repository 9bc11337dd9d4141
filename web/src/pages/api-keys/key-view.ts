import type { ApiKeyListParams, ApiKeyStatus, ApiKeyType } from '../../../../src/client/types.js';
import { encodeQuery } from '../../../../src/client/http-transport.js';

/** The API keys page's tabs: the caller's own keys of one type, or every key of the account (account admins). */
export type KeyTab = ApiKeyType | 'ALL';

/** The tab and status filter the page's query asks for; `ALL` only for an account admin, else the user keys. */
export function keyView(query: URLSearchParams, isAccountAdmin: boolean): { tab: KeyTab; status: ApiKeyStatus } {
  const tabParam = query.get('tab');
  return {
    tab: tabParam === 'service' ? 'SERVICE' : tabParam === 'all' && isAccountAdmin ? 'ALL' : 'USER',
    status: query.get('status') === 'revoked' ? 'REVOKED' : 'ACTIVE',
  };
}

/** The query of the first page of the caller's own keys of one type and status. */
export function ownKeysQuery(keyType: ApiKeyType, status: ApiKeyStatus): ApiKeyListParams {
  return { key_type: keyType, status };
}

/** GET path (and query) of that first page, as the console's transport sends it. */
export function ownKeysPath(keyType: ApiKeyType, status: ApiKeyStatus): string {
  return `/v2/api-keys${encodeQuery({ ...ownKeysQuery(keyType, status) })}`;
}
