import { displayWidth, truncate } from './cells.js';
import type { Style } from './style.js';

export interface TableColumn {
  header: string;
  /** May be cut with `…` to fit the terminal (ids never are). */
  shrinkable: boolean;
}

const GAP = '  ';
const MIN_SHRUNK = 8;

/**
 * Renders rows as aligned columns separated by two spaces, gh style (no borders). When `width` is given and the
 * table is wider, the widest shrinkable columns are cut until it fits.
 */
export function renderTable(columns: readonly TableColumn[], rows: readonly string[][], options: { width?: number | undefined; style: Style }): string {
  const clean = rows.map((row) => row.map((cell) => cell.replace(/[\r\n\t]+/g, ' ')));
  const widths = columns.map((column, i) => Math.max(displayWidth(column.header), ...clean.map((row) => displayWidth(row[i] ?? ''))));
  if (options.width !== undefined) fit(widths, columns, options.width);
  const lines: string[] = [];
  const render = (cells: readonly string[], decorate: (text: string) => string) =>
    cells
      .map((cell, i) => {
        const text = truncate(cell, widths[i]!);
        const padded = i === cells.length - 1 ? text : text + ' '.repeat(widths[i]! - displayWidth(text));
        return decorate(padded);
      })
      .join(GAP)
      .trimEnd();
  lines.push(render(columns.map((c) => c.header), options.style.bold));
  for (const row of clean) lines.push(render(row, (text) => text));
  return lines.join('\n') + '\n';
}

function fit(widths: number[], columns: readonly TableColumn[], available: number): void {
  let excess = widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1) - available;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (columns[i]!.shrinkable && widths[i]! > MIN_SHRUNK && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0) return;
    widths[widest]! -= 1;
    excess -= 1;
  }
}
