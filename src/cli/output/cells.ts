/** Turns one field value into the text of a table cell or a panel line. */
export function formatCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => (isPlainObject(item) ? compactObject(item) : formatCell(item))).join(', ');
  if (isPlainObject(value)) return isRoleAssignment(value) ? formatRole(value) : compactObject(value);
  return String(value);
}

/** `MEMBER` for a predefined assignment; `Data Scientist (custom Um9sZTo1)` for a custom one. */
export function formatRole(role: { type: string; name?: unknown; id?: unknown }): string {
  if (role.type === 'PREDEFINED') return String(role.name ?? '');
  const id = typeof role.id === 'string' ? role.id : '';
  return typeof role.name === 'string' && role.name ? `${role.name} (custom ${id})` : `custom ${id}`;
}

export function isRoleAssignment(value: Record<string, unknown>): value is { type: string; name?: unknown; id?: unknown } {
  return (value.type === 'PREDEFINED' || value.type === 'CUSTOM') && ('name' in value || 'id' in value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compactObject(value: Record<string, unknown>): string {
  if (isRoleAssignment(value)) return formatRole(value);
  return Object.values(value).map(formatCell).filter((text) => text !== '').join(' ');
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Width of a string in terminal columns (code points; the CLI's own text is ASCII plus a few symbols). ASCII, nearly
 * every cell, is measured by a regular expression: iterating strings is slow in the interpreter a CLI mostly runs in.
 */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const _ of text) width += 1;
  return width;
}

/** Cuts text to `width` columns, ending with `…` when it was cut. */
export function truncate(text: string, width: number, textWidth: number = displayWidth(text)): string {
  if (textWidth <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  return [...text].slice(0, width - 1).join('') + '…';
}
