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
 * What the developer flag (is_developer) lets a person of this account role create, as the server decides it: a
 * USER key needs the flag and the account role ADMIN or MEMBER; an account ANNOTATOR creates no key of either type.
 */
export function developerNote(accountRole: PredefinedRoleName | undefined): string {
  return accountRole === 'ANNOTATOR' ? 'no API keys while the account role is Annotator' : 'may create user API keys';
}

/**
 * A role as the server names it somewhere (a key such as READ_ONLY in an access reason, or a display name such as
 * "Read Only" in GET /v2/roles) in the console's one spelling.
 */
export function roleNameLabel(name: string): string {
  return PREDEFINED_LABELS[name as PredefinedRoleName] ?? name;
}

/**
 * A formatter of the default locale made on its first use, not when the module loads: the first Intl date or
 * relative-time formatter of a page costs 35–45 ms of main thread (ICU loads the locale's and the time zone's data).
 */
export function lazyDateTimeFormat(options: Intl.DateTimeFormatOptions): (date: Date) => string {
  let formatter: Intl.DateTimeFormat | undefined;
  return (date) => (formatter ??= new Intl.DateTimeFormat(undefined, options)).format(date);
}

const intlDateTime = lazyDateTimeFormat({ dateStyle: 'medium', timeStyle: 'short' });
const intlDate = lazyDateTimeFormat({ dateStyle: 'medium' });
let intlRelative: Intl.RelativeTimeFormat | undefined;

let enUs: boolean | undefined;

/**
 * Whether the browser formats in plain en-US, where the console writes its dates itself (below) with the text
 * Intl gives: the key table's dates were the first Intl formatters of a page, and its first row waited for them.
 * PluralRules resolves the default locale in about 1 ms; an extension (say `-u-hc-h23`) leaves the work to Intl.
 */
function inEnUs(): boolean {
  enUs ??= new Intl.PluralRules().resolvedOptions().locale === 'en-US';
  return enUs;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** en-US `dateStyle: 'medium'` ("Dec 4, 2026") in local time; undefined outside years 1–9999 (eras, long years). */
function enUsDate(d: Date): string | undefined {
  const year = d.getFullYear();
  if (year < 1 || year > 9999) return undefined;
  return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${year}`;
}

/** en-US `timeStyle: 'short'` ("1:05 PM"): Chromium's and Firefox's ICU put a plain space before AM/PM. */
function enUsTime(d: Date): string {
  const hours = d.getHours();
  return `${hours % 12 || 12}:${String(d.getMinutes()).padStart(2, '0')} ${hours < 12 ? 'AM' : 'PM'}`;
}

export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = inEnUs() ? enUsDate(d) : undefined;
  return date ? `${date}, ${enUsTime(d)}` : intlDateTime(d);
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (inEnUs() ? enUsDate(d) : undefined) ?? intlDate(d);
}

type RelativeUnit = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';

/** What en-US `numeric: 'auto'` says instead of -1, 0 and 1 of a unit. */
const EN_US_NAMED: Record<RelativeUnit, readonly [last: string, now: string, next: string]> = {
  year: ['last year', 'this year', 'next year'],
  month: ['last month', 'this month', 'next month'],
  day: ['yesterday', 'today', 'tomorrow'],
  hour: ['1 hour ago', 'this hour', 'in 1 hour'],
  minute: ['1 minute ago', 'this minute', 'in 1 minute'],
  second: ['1 second ago', 'now', 'in 1 second'],
};

/** en-US `Intl.RelativeTimeFormat` with `numeric: 'auto'`: "in 3 days", "2 hours ago", "tomorrow", "1,000 years ago". */
function enUsRelative(value: number, unit: RelativeUnit): string {
  if (value >= -1 && value <= 1) return EN_US_NAMED[unit][Math.round(value) + 1]!;
  const count = Math.abs(value);
  const text = `${String(count).replace(/\B(?=(\d{3})+$)/g, ',')} ${unit}s`;
  return value < 0 ? `${text} ago` : `in ${text}`;
}

function relative(value: number, unit: RelativeUnit): string {
  if (inEnUs()) return enUsRelative(value, unit);
  intlRelative ??= new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  return intlRelative.format(value, unit);
}

/** "in 3 days", "2 hours ago" — for expiry and last-use hints; rounds to the nearest sensible unit. */
export function relativeTime(iso: string, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  // [unit, its length, from how long on it is used]
  const units: [RelativeUnit, number, number][] = [
    ['year', 365 * 86_400_000, 330 * 86_400_000],
    ['month', 30 * 86_400_000, 26 * 86_400_000],
    ['day', 86_400_000, 22 * 3_600_000],
    ['hour', 3_600_000, 45 * 60_000],
    ['minute', 60_000, 45_000],
  ];
  for (const [unit, length, from] of units) {
    if (abs >= from) return relative(Math.round(diff / length), unit);
  }
  return relative(Math.round(diff / 1000), 'second');
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
