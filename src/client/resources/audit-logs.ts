import { paginate } from '../pagination.js';
import type { Transport } from '../transport.js';
import type { AuditLog, AuditLogList, AuditLogListParams } from '../types.js';

/** `/v2/audit-logs`: account admins only, newest first. */
export class AuditLogsResource {
  constructor(private readonly http: Transport) {}

  /** One page of entries between `start_time` and `end_time` (inclusive; default the last 30 days). */
  async list(params: AuditLogListParams = {}): Promise<AuditLogList> {
    return (await this.http.request<AuditLogList>({ method: 'GET', path: '/v2/audit-logs', query: { ...params } })).body;
  }

  iterate(params: Omit<AuditLogListParams, 'cursor'> = {}): AsyncGenerator<AuditLog, void, undefined> {
    return paginate((cursor) => this.list({ limit: 100, ...params, cursor }), (page) => page.logs);
  }
}
