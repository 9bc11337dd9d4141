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
  const headers = columns.map((c) => c.header);
  // Each cell is measured once: the widths decide both the column widths and the padding.
  const cellWidths = clean.map((row) => row.map(displayWidth));
  const headerWidths = headers.map(displayWidth);
  const widths = headerWidths.map((w, i) => cellWidths.reduce((max, row) => Math.max(max, row[i] ?? 0), w));
  if (options.width !== undefined) fit(widths, columns, options.width);
  const render = (cells: readonly string[], cellWidth: readonly number[], decorate: (text: string) => string) => {
    let line = '';
    for (let i = 0; i < cells.length; i++) {
      const width = widths[i]!;
      const own = cellWidth[i] ?? 0;
      const text = own > width ? truncate(cells[i]!, width, own) : cells[i]!;
      const pad = i === cells.length - 1 ? '' : ' '.repeat(Math.max(0, width - Math.min(own, width)));
      line += (i === 0 ? '' : GAP) + decorate(text + pad);
    }
    return line.trimEnd();
  };
  const lines = [render(headers, headerWidths, options.style.bold)];
  for (let r = 0; r < clean.length; r++) lines.push(render(clean[r]!, cellWidths[r]!, (text) => text));
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
