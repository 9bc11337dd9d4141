import { writeFileSync } from 'node:fs';
import { FileError } from '../errors/cli-error.js';
import { formatCell } from './cells.js';
import { toCsv } from './csv.js';
import type { OutputTarget } from './format.js';
import { renderPanel } from './panel.js';
import { colorEnabled, createStyle, type Style } from './style.js';
import { renderTable } from './table.js';

/** The slice of a stream the printer uses (process.stdout/stderr, or a test double). */
export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Terminal {
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
}

/** One table column: a header and how to get the cell from an item. */
export interface Column<T> {
  header: string;
  value: (item: T) => unknown;
  /** Ids and enums stay whole; names, emails and descriptions may be cut to fit the terminal. */
  shrinkable?: boolean;
}

export interface ListView<T> {
  /** The API's own answer (`{users, pagination}`), printed as is by json and yaml. */
  response: object;
  items: readonly T[];
  columns: readonly Column<T>[];
  /** Plural noun for messages, e.g. `users`. */
  noun: string;
  /** When more items exist: the cursor of the next page. */
  nextCursor?: string | undefined;
}

/** Prints command results in the chosen format; data goes to stdout, notices to stderr. */
export class Printer {
  readonly target: OutputTarget;
  readonly style: Style;
  readonly errStyle: Style;
  private readonly term: Terminal;
  private readonly yaml: ((value: unknown) => string) | undefined;

  constructor(target: OutputTarget, term: Terminal, yaml?: (value: unknown) => string) {
    this.target = target;
    this.term = term;
    this.yaml = yaml;
    this.style = createStyle(target.kind === 'table' && !target.file && colorEnabled(term.stdout, term.env));
    this.errStyle = createStyle(colorEnabled(term.stderr, term.env));
  }

  /** Whether output is the human table (not json/yaml/csv, not a file). */
  get isTable(): boolean {
    return this.target.kind === 'table' && !this.target.file;
  }

  list<T extends object>(view: ListView<T>): void {
    const { kind } = this.target;
    if (kind === 'table') {
      if (view.items.length === 0) {
        this.term.stdout.write(`No ${view.noun} found.\n`);
      } else {
        const columns = view.columns.map((c) => ({ header: c.header, shrinkable: c.shrinkable ?? false }));
        const rows = view.items.map((item) => view.columns.map((c) => formatCell(c.value(item))));
        this.term.stdout.write(renderTable(columns, rows, { width: this.width(), style: this.style }));
      }
      if (view.nextCursor) {
        this.term.stdout.write(this.style.dim(`More ${view.noun} available: add --cursor ${view.nextCursor} for the next page, or --all for every page.`) + '\n');
      }
      return;
    }
    const items = view.items as unknown as Record<string, unknown>[];
    const text =
      kind === 'csv' ? toCsv(items)
      : kind === 'jsonl' ? items.map((item) => JSON.stringify(item) + '\n').join('')
      : this.serialize(view.response);
    this.emit(text, `${view.items.length} ${view.noun}`);
  }

  /**
   * A single object: a key/value panel, or the object itself in json/yaml, or one CSV row. `omit` names fields the
   * panel leaves out (a secret printed on its own line instead).
   */
  object(object: object, options: { omit?: readonly string[]; what?: string } = {}): void {
    const { kind } = this.target;
    if (kind === 'table') {
      const shown = Object.fromEntries(Object.entries(object).filter(([key]) => !options.omit?.includes(key)));
      this.term.stdout.write(renderPanel(shown, { width: this.width(), style: this.style }));
      return;
    }
    const text =
      kind === 'csv' ? toCsv([object as Record<string, unknown>])
      : kind === 'jsonl' ? JSON.stringify(object) + '\n'
      : this.serialize(object);
    this.emit(text, options.what ?? 'the result');
  }

  /**
   * A result line for humans (`✓ Deleted …`): on stdout for a table, on stderr when stdout carries data (-o json, yaml,
   * csv), so that `ax … delete --force -o json | jq` never reads a line that is not JSON.
   */
  success(text: string): void {
    if (this.isTable) this.term.stdout.write(`${this.style.green('✓')} ${text}\n`);
    else this.term.stderr.write(`${this.errStyle.green('✓')} ${text}\n`);
  }

  /** A plain stdout line. */
  line(text = ''): void {
    this.term.stdout.write(`${text}\n`);
  }

  /** A notice on stderr (`! …`), for humans and never mixed into data. */
  warn(text: string): void {
    this.term.stderr.write(`${this.errStyle.yellow('!')} ${text}\n`);
  }

  /** An informational line on stderr. */
  info(text: string): void {
    this.term.stderr.write(`${text}\n`);
  }

  /**
   * A secret shown once: on its own marked line on stdout in table mode (json/yaml carry it inside the object), and a
   * reminder on stderr that it cannot be shown again.
   */
  secret(label: string, value: string): void {
    if (this.isTable) this.term.stdout.write(`\n${this.style.bold(`${label}:`)} ${value}\n`);
    this.warn(`${label} is shown only this once and cannot be retrieved again; store it in a secrets manager now.`);
  }

  private serialize(value: object): string {
    if (this.target.kind === 'yaml') {
      if (!this.yaml) throw new Error('yaml output needs a printer made by createPrinter()');
      return this.yaml(value);
    }
    return JSON.stringify(value, null, 2) + '\n';
  }

  /** Text as it is (a document, a CSV): on stdout, or into the -o file with a line on stderr naming `what` it wrote. */
  emit(text: string, what: string): void {
    const file = this.target.file;
    if (!file) {
      this.term.stdout.write(text);
      return;
    }
    try {
      writeFileSync(file, text);
    } catch (error) {
      throw new FileError(`could not write ${file}: ${(error as Error).message}`, 'Check that the folder exists and is writable.');
    }
    this.term.stderr.write(`${this.errStyle.green('✓')} Wrote ${what} to ${file}\n`);
  }

  private width(): number | undefined {
    const stdout = this.term.stdout;
    if (stdout.isTTY && stdout.columns) return stdout.columns;
    const columns = Number(this.term.env.COLUMNS);
    return Number.isInteger(columns) && columns > 0 ? columns : undefined;
  }
}

/** Creates a printer; `yaml` is imported only when asked for (the package costs ~30 ms to load). */
export async function createPrinter(target: OutputTarget, term: Terminal): Promise<Printer> {
  const yaml = target.kind === 'yaml' ? (await import('yaml')).stringify : undefined;
  return new Printer(target, term, yaml);
}
