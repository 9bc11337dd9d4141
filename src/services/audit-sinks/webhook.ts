import { createHmac } from 'node:crypto';
import type { AuditLogRow } from '../../store/schema.js';
import { type AuditSink, auditRecord } from './sink.js';

/** How long the webhook may take to answer a delivery. */
const TIMEOUT_MS = 10_000;

/** AX_AUDIT_WEBHOOK_URL: a batch per POST, signed with an HMAC of AX_AUDIT_WEBHOOK_SECRET; delivered on a 2xx. */
export function webhookSink(sink: { url: string; secret: string }): AuditSink {
  return {
    name: 'webhook',
    async deliver(accountId: number, rows: readonly AuditLogRow[]) {
      const body = JSON.stringify({ account_id: accountId, entries: rows.map(auditRecord) });
      const res = await fetch(sink.url, {
        method: 'POST', body, signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          'content-type': 'application/json',
          'x-ax-signature': `sha256=${createHmac('sha256', sink.secret).update(body).digest('hex')}`,
          'x-ax-delivery': `${accountId}-${rows[0]!.chain_seq}-${rows.at(-1)!.chain_seq}`,
        },
      });
      await res.arrayBuffer();
      if (res.status < 200 || res.status > 299) throw new Error(`the audit webhook answered ${res.status}`);
    },
    close() { /* one request at a time, nothing kept open */ },
  };
}
