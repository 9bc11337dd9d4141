import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import type { AuditLogRow } from '../../store/schema.js';
import { type AuditSink, auditRecord } from './sink.js';

/** Facility 13 ("log audit", RFC 5424 table 1), severity 6 (informational). */
const PRI = 13 * 8 + 6;
/** A UDP datagram carries at most this much; a larger record is sent without its request text (`truncated`). */
const UDP_MAX = 65_000;
const CONNECT_TIMEOUT_MS = 10_000;
const BOM = '\uFEFF';

/**
 * One RFC 5424 message per entry: `<110>1 <created_at> <host> ax <pid> audit - BOM<JSON record>` — the entry's own
 * time, no structured data, and the record (docs/audit.md) as the UTF-8 MSG, which RFC 5424 has start with a BOM.
 */
function message(accountId: number, row: AuditLogRow, host: string, shorten = false): string {
  const record: Record<string, unknown> = { account_id: accountId, ...auditRecord(row) };
  if (shorten) Object.assign(record, { operation_text: null, variables: null, truncated: true });
  return `<${PRI}>1 ${row.created_at} ${host} ax ${process.pid} audit - ${BOM}${JSON.stringify(record)}`;
}

/** RFC 5424's HOSTNAME: printable US-ASCII, at most 255 characters; `-` when there is none. */
function syslogHost(): string {
  return hostname().replace(/[^\x21-\x7e]/g, '').slice(0, 255) || '-';
}

/**
 * AX_AUDIT_SYSLOG: RFC 5424 messages over UDP (RFC 5426: one message a datagram) or TCP (RFC 6587 octet counting:
 * `<length> <message>`, one connection kept open and reopened after an error). A batch is delivered once the
 * messages were sent (UDP) or written to the connection (TCP): syslog has no acknowledgement, so what the network
 * loses after that is not sent again.
 */
export function syslogSink(target: { protocol: 'udp' | 'tcp'; host: string; port: number }): AuditSink {
  const host = syslogHost();
  return target.protocol === 'udp' ? udpSink(target, host) : tcpSink(target, host);
}

function udpSink(target: { host: string; port: number }, host: string): AuditSink {
  const socket = createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
  socket.unref();
  socket.on('error', () => undefined); // a failed send rejects its own callback
  const send = (text: string) => new Promise<void>((resolve, reject) => {
    socket.send(Buffer.from(text, 'utf8'), target.port, target.host, (error) => (error ? reject(error) : resolve()));
  });
  return {
    name: 'syslog',
    async deliver(accountId: number, rows: readonly AuditLogRow[]) {
      for (const row of rows) {
        const text = message(accountId, row, host);
        await send(Buffer.byteLength(text, 'utf8') <= UDP_MAX ? text : message(accountId, row, host, true));
      }
    },
    close() { socket.close(); },
  };
}

function tcpSink(target: { host: string; port: number }, host: string): AuditSink {
  let socket: Socket | undefined;
  const drop = () => {
    socket?.destroy();
    socket = undefined;
  };
  const connected = () => new Promise<Socket>((resolve, reject) => {
    if (socket !== undefined && !socket.destroyed) return resolve(socket);
    const next = connect({ host: target.host, port: target.port, timeout: CONNECT_TIMEOUT_MS });
    next.once('connect', () => { next.setTimeout(0); resolve(next); });
    next.once('timeout', () => next.destroy(new Error(`no connection to the syslog server within ${CONNECT_TIMEOUT_MS} ms`)));
    next.once('error', reject);
    // The server closing or failing the connection later: the next batch opens a new one.
    next.on('error', () => undefined);
    next.once('close', () => { if (socket === next) socket = undefined; });
    next.unref();
    socket = next;
  });
  return {
    name: 'syslog',
    async deliver(accountId: number, rows: readonly AuditLogRow[]) {
      const frames = rows.map((row) => {
        const text = Buffer.from(message(accountId, row, host), 'utf8');
        return Buffer.concat([Buffer.from(`${text.length} `), text]);
      });
      const conn = await connected();
      try {
        await new Promise<void>((resolve, reject) => conn.write(Buffer.concat(frames), (error) => (error ? reject(error) : resolve())));
      } catch (error) {
        drop();
        throw error;
      }
    },
    close: drop,
  };
}
