import { isPlainObject } from './cells.js';

/**
 * Items as RFC 4180 CSV. Nested objects become dotted columns (`role.type`, `role.name`, as pandas'
 * json_normalize names them); arrays are written as JSON text.
 */
export function toCsv(items: readonly Record<string, unknown>[]): string {
  const flat = items.map((item) => flatten(item));
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of flat) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  if (columns.length === 0) return '';
  const lines = [columns.map(quote).join(',')];
  for (const row of flat) lines.push(columns.map((column) => quote(row[column] ?? '')).join(','));
  return lines.join('\r\n') + '\r\n';
}

function flatten(value: Record<string, unknown>, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [key, field] of Object.entries(value)) {
    const name = prefix + key;
    if (isPlainObject(field)) flatten(field, `${name}.`, out);
    else if (Array.isArray(field)) out[name] = field.every((item) => typeof item === 'string') ? field.join(',') : JSON.stringify(field);
    else if (field !== undefined && field !== null) out[name] = String(field);
  }
  return out;
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}
