import { displayWidth, formatCell, isPlainObject, isRoleAssignment } from './cells.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';

/**
 * A single object as a key/value panel: one line per scalar field (nested objects as dotted keys), lists of
 * scalars wrapped under their key, and a small table per list of objects.
 */
export function renderPanel(object: Record<string, unknown>, options: { width?: number | undefined; style: Style }): string {
  const scalars: [string, string][] = [];
  const wrapped: [string, string[]][] = [];
  const tables: [string, Record<string, unknown>[]][] = [];
  collect(object, '', scalars, wrapped, tables);
  const keyWidth = Math.max(0, ...[...scalars, ...wrapped].map(([key]) => displayWidth(key)));
  const out: string[] = [];
  const label = (key: string) => options.style.bold(key.padEnd(keyWidth));
  for (const [key, value] of scalars) out.push(`${label(key)}  ${value}`.trimEnd());
  for (const [key, items] of wrapped) {
    const indent = keyWidth + 2;
    const lines = wrapWords(items, options.width === undefined ? undefined : Math.max(20, options.width - indent));
    out.push(`${label(key)}  ${lines[0] ?? ''}`.trimEnd());
    for (const line of lines.slice(1)) out.push(' '.repeat(indent) + line);
  }
  let text = out.join('\n') + '\n';
  for (const [key, items] of tables) {
    const columns = [...new Set(items.flatMap((item) => Object.keys(item)))];
    const rows = items.map((item) => columns.map((column) => formatCell(item[column])));
    const header = columns.map((column) => ({ header: column.toUpperCase().replace(/_/g, ' '), shrinkable: !column.endsWith('id') }));
    text += `\n${options.style.bold(`${key}:`)}\n${renderTable(header, rows, options)}`;
  }
  return text;
}

function collect(
  object: Record<string, unknown>,
  prefix: string,
  scalars: [string, string][],
  wrapped: [string, string[]][],
  tables: [string, Record<string, unknown>[]][],
): void {
  for (const [field, value] of Object.entries(object)) {
    const key = prefix + field;
    if (Array.isArray(value)) {
      if (value.length > 0 && value.every(isPlainObject)) tables.push([key, value]);
      else wrapped.push([key, value.length === 0 ? ['(none)'] : value.map(formatCell)]);
    } else if (isPlainObject(value) && !isRoleAssignment(value)) {
      collect(value, `${key}.`, scalars, wrapped, tables);
    } else {
      scalars.push([key, formatCell(value)]);
    }
  }
}

function wrapWords(items: readonly string[], width: number | undefined): string[] {
  if (width === undefined) return [items.join(', ')];
  const lines: string[] = [];
  let line = '';
  items.forEach((item, i) => {
    const word = i < items.length - 1 ? `${item},` : item;
    if (line && displayWidth(line) + 1 + displayWidth(word) > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  });
  if (line) lines.push(line);
  return lines;
}
