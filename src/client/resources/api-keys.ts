import { paginate } from '../pagination.js';
import { segment, type HttpTransport } from '../http-transport.js';
import type {
  ApiKey, ApiKeyList, ApiKeyListParams, CreateApiKeyRequest, CreatedApiKey, LeakReport, RefreshApiKeyRequest, RefreshedApiKey, ReportLeakRequest,
  TransferApiKeyRequest,
} from '../types.js';

/** `/v2/api-keys`. There is no DELETE: keys are revoked. */
export class ApiKeysResource {
  constructor(private readonly http: HttpTransport) {}

  /**
   * One page of keys; by default the caller's own ACTIVE keys. `orphaned: true` (account admins) lists instead the
   * account's SERVICE keys whose creator is deactivated, deleted or no longer holds the key's roles, each with its
   * `orphaned` reason — the keys to transfer, refresh or revoke.
   *
   * @example
   * for await (const key of ax.apiKeys.iterate({ orphaned: true })) console.log(key.name, key.orphaned?.reason);
   */
  async list(params: ApiKeyListParams = {}): Promise<ApiKeyList> {
    return (await this.http.request<ApiKeyList>({ method: 'GET', path: '/v2/api-keys', query: { ...params } })).body;
  }

  /** One key (its creator or an account admin); a key in a refresh's grace period carries its `grace_usage`. */
  async get(apiKeyId: string): Promise<ApiKey> {
    return (await this.http.request<ApiKey>({ method: 'GET', path: `/v2/api-keys/${segment(apiKeyId)}` })).body;
  }

  iterate(params: Omit<ApiKeyListParams, 'cursor'> = {}): AsyncGenerator<ApiKey, void, undefined> {
    return paginate((cursor) => this.list({ limit: 100, ...params, cursor }), (page) => page.api_keys);
  }

  /**
   * Creates a USER key, or a SERVICE key with its bot user. The raw `key` is in this answer only.
   *
   * @example
   * const created = await ax.apiKeys.create({ key_type: 'SERVICE', name: 'ci',
   *   organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId, role: { type: 'PREDEFINED', name: 'MEMBER' } }] }] });
   * process.env.ARIZE_API_KEY = created.key;
   */
  async create(body: CreateApiKeyRequest): Promise<CreatedApiKey> {
    return (await this.http.request<CreatedApiKey>({ method: 'POST', path: '/v2/api-keys', body })).body;
  }

  /** Rotates a key: a new record and raw key with the same scope; the old key lives on for the grace period. */
  async refresh(apiKeyId: string, body: RefreshApiKeyRequest = {}): Promise<RefreshedApiKey> {
    return (await this.http.request<RefreshedApiKey>({ method: 'POST', path: `/v2/api-keys/${segment(apiKeyId)}/refresh`, body })).body;
  }

  /** Immediate, irreversible and idempotent. */
  async revoke(apiKeyId: string): Promise<void> {
    await this.http.request({ method: 'PUT', path: `/v2/api-keys/${segment(apiKeyId)}/revoke` });
  }

  /** Reports a key found exposed (`POST /v2/api-keys/leaks`): a key of this server is revoked at once, whoever holds it. */
  async reportLeak(body: ReportLeakRequest): Promise<LeakReport> {
    return (await this.http.request<LeakReport>({ method: 'POST', path: '/v2/api-keys/leaks', body })).body;
  }

  /**
   * Moves a SERVICE key to a new owner (account admins), e.g. when its creator left. The new owner must be an ACTIVE
   * user holding every permission the key's roles carry.
   */
  async transfer(apiKeyId: string, body: TransferApiKeyRequest): Promise<ApiKey> {
    return (await this.http.request<ApiKey>({ method: 'POST', path: `/v2/api-keys/${segment(apiKeyId)}/transfer`, body })).body;
  }
}
