import type { PredefinedRoleName, RoleAssignment } from '../../../src/client/types.js';

/**
 * The one spelling of each predefined role in the console, the display name GET /v2/roles publishes (and the CLI
 * prints): "Read Only", never "Read-only", "Read-Only Member" or READ_ONLY.
 */
const PREDEFINED_LABELS: Record<PredefinedRoleName, string> = {
  ADMIN: 'Admin',
  MEMBER: 'Member',
  READ_ONLY: 'Read Only',
  ANNOTATOR: 'Annotator',
};

export function predefinedLabel(name: PredefinedRoleName): string {
  return PREDEFINED_LABELS[name];
}

/** "Admin", "Read Only", or a custom role's name (its id when the name is not known). */
export function roleLabel(role: RoleAssignment, customNames?: ReadonlyMap<string, string>): string {
  if (role.type === 'PREDEFINED') return PREDEFINED_LABELS[role.name] ?? role.name;
  return role.name ?? customNames?.get(role.id) ?? role.id;
}

/**
 * A role as the server names it somewhere (a key such as READ_ONLY in an access reason, or a display name such as
 * "Read Only" in GET /v2/roles) in the console's one spelling.
 */
export function roleNameLabel(name: string): string {
  return PREDEFINED_LABELS[name as PredefinedRoleName] ?? name;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}

/** "in 3 days", "2 hours ago" — for expiry and last-use hints; rounds to the nearest sensible unit. */
export function relativeTime(iso: string, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  // [unit, its length, from how long on it is used]
  const units: [Intl.RelativeTimeFormatUnit, number, number][] = [
    ['year', 365 * 86_400_000, 330 * 86_400_000],
    ['month', 30 * 86_400_000, 26 * 86_400_000],
    ['day', 86_400_000, 22 * 3_600_000],
    ['hour', 3_600_000, 45 * 60_000],
    ['minute', 60_000, 45_000],
  ];
  for (const [unit, length, from] of units) {
    if (abs >= from) return rtf.format(Math.round(diff / length), unit);
  }
  return rtf.format(Math.round(diff / 1000), 'second');
}

/** A `datetime-local` input value (local time) as RFC 3339 UTC, or undefined when empty/invalid. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** RFC 3339 UTC as a `datetime-local` input value in local time. */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
