import { paginate } from '../pagination.js';
import type { HttpTransport } from '../http-transport.js';
import type {
  AuditArchiveResult, AuditChainVerification, AuditCheckpoint, AuditLog, AuditLogList, AuditVerifyParams, AuditLogListParams, AuthenticationFailure, AuthenticationFailureList, AuthenticationFailureListParams,
} from '../types.js';

/** `/v2/audit-logs`: account admins only, newest first. */
export class AuditLogsResource {
  constructor(private readonly http: HttpTransport) {}

  /** One page of entries between `start_time` and `end_time` (inclusive; default the last 30 days). */
  async list(params: AuditLogListParams = {}): Promise<AuditLogList> {
    return (await this.http.request<AuditLogList>({ method: 'GET', path: '/v2/audit-logs', query: { ...params } })).body;
  }

  iterate(params: Omit<AuditLogListParams, 'cursor'> = {}): AsyncGenerator<AuditLog, void, undefined> {
    return paginate((cursor) => this.list({ limit: 100, ...params, cursor }), (page) => page.logs);
  }

  /**
   * One page of failed authentications (`/v2/audit-logs/authentication-failures`, not part of Arize's API): refused
   * sign-ins, keys and sessions, counted per address, reason, operation and user in 10-minute windows, newest first.
   */
  async listAuthenticationFailures(params: AuthenticationFailureListParams = {}): Promise<AuthenticationFailureList> {
    return (await this.http.request<AuthenticationFailureList>({ method: 'GET', path: '/v2/audit-logs/authentication-failures', query: { ...params } })).body;
  }

  iterateAuthenticationFailures(params: Omit<AuthenticationFailureListParams, 'cursor'> = {}): AsyncGenerator<AuthenticationFailure, void, undefined> {
    return paginate((cursor) => this.listAuthenticationFailures({ limit: 100, ...params, cursor }), (page) => page.failures);
  }

  /**
   * `/v2/audit-logs/verify` (not part of Arize's API): recomputes the account's audit chain and checks its signed
   * checkpoints; `valid: false` names the first broken entry.
   */
  async verify(params: AuditVerifyParams = {}): Promise<AuditChainVerification> {
    return (await this.http.request<AuditChainVerification>({ method: 'GET', path: '/v2/audit-logs/verify', query: { ...params } })).body;
  }

  /** Signs the chain's current end now; undefined when the account has no entry yet. */
  async checkpoint(): Promise<AuditCheckpoint | undefined> {
    const res = await this.http.request<AuditCheckpoint | undefined>({ method: 'POST', path: '/v2/audit-logs/checkpoints' });
    return res.status === 204 ? undefined : res.body;
  }

  /** Archives the entries older than the server's retention now (`POST /v2/audit-logs/archive`). */
  async archive(): Promise<AuditArchiveResult> {
    return (await this.http.request<AuditArchiveResult>({ method: 'POST', path: '/v2/audit-logs/archive' })).body;
  }
}
