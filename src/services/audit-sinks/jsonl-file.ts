import { type FileHandle, open, stat } from 'node:fs/promises';
import type { AuditLogRow } from '../../store/schema.js';
import { type AuditSink, auditRecord } from './sink.js';

/**
 * AX_AUDIT_FILE: each entry appended as one JSON line, a batch in one write, flushed to disk (fsync) before the
 * cursor moves. Rotation-safe like a watched log file: before each batch the path is looked up again, and when the
 * file there is not the one open (renamed or deleted by logrotate) it is reopened, created 0600 if missing — no
 * signal needed, and every process of a deployment notices on its own. Appends (O_APPEND) also survive copytruncate.
 */
export function jsonlFileSink(path: string): AuditSink {
  let handle: FileHandle | undefined;
  let inode: number | undefined;
  const closeHandle = () => {
    const open = handle;
    handle = undefined;
    inode = undefined;
    void open?.close().catch(() => undefined);
  };
  const current = async (): Promise<FileHandle> => {
    if (handle !== undefined) {
      const there = await stat(path).catch(() => undefined);
      if (there?.ino === inode) return handle;
      closeHandle();
    }
    const opened = await open(path, 'a', 0o600);
    try {
      inode = (await opened.stat()).ino;
    } catch (error) {
      await opened.close();
      throw error;
    }
    handle = opened;
    return opened;
  };
  return {
    name: 'file',
    async deliver(accountId: number, rows: readonly AuditLogRow[]) {
      const text = rows.map((row) => `${JSON.stringify({ account_id: accountId, ...auditRecord(row) })}\n`).join('');
      const file = await current();
      try {
        await file.write(text);
        await file.sync();
      } catch (error) {
        // A failed write may have left part of a line: the next attempt starts on a fresh handle.
        closeHandle();
        throw error;
      }
    },
    close: closeHandle,
  };
}
