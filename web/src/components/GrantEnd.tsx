import { formatDateTime, lazyDateTimeFormat } from '../lib/format.js';

const time = lazyDateTimeFormat({ timeStyle: 'short' });
const weekdayTime = lazyDateTimeFormat({ weekday: 'long', hour: 'numeric', minute: '2-digit' });
const exact = lazyDateTimeFormat({ dateStyle: 'full', timeStyle: 'long' });

function dayNumber(d: Date): number {
  return Math.floor(new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() / 86_400_000);
}

/** "until 14:00 today", "until 09:30 tomorrow", "until Friday 14:00", "until Dec 24, 2026, 14:00", by local time. */
export function grantEndWords(iso: string, now = new Date()): string {
  const end = new Date(iso);
  if (end.getTime() <= now.getTime()) return 'ended';
  const days = dayNumber(end) - dayNumber(now);
  if (days === 0) return `until ${time(end)} today`;
  if (days === 1) return `until ${time(end)} tomorrow`;
  if (days < 7) return `until ${weekdayTime(end)}`;
  return `until ${formatDateTime(iso)}`;
}

/**
 * When a role binding or membership ends, with its exact instant as a tooltip, and the reason it was given;
 * "Permanent" for a grant without an end.
 */
export function GrantEnd({ expiresAt, reason }: { expiresAt?: string; reason?: string }) {
  return (
    <div className="grant-end">
      {expiresAt ? (
        <time dateTime={expiresAt} title={exact(new Date(expiresAt))}>
          {grantEndWords(expiresAt)}
        </time>
      ) : (
        <span className="muted">Permanent</span>
      )}
      {reason && <div className="muted small">Reason: {reason}</div>}
    </div>
  );
}

/** An ending grant's end and reason after the sentence that names it ("· until 14:00 today · incident 123"); nothing for a permanent one. */
export function GrantEndNote({ expiresAt, reason }: { expiresAt?: string; reason?: string }) {
  if (!expiresAt) return null;
  return (
    <span className="muted">
      {' · '}
      <time dateTime={expiresAt} title={exact(new Date(expiresAt))}>
        {grantEndWords(expiresAt)}
      </time>
      {reason && ` · ${reason}`}
    </span>
  );
}
