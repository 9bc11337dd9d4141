import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CommandContext } from '../../src/cli/context.js';
import { printDeletePreview } from '../../src/cli/dry-run.js';
import { FileError, UsageError } from '../../src/cli/errors/cli-error.js';
import { formatCell, formatRole, truncate } from '../../src/cli/output/cells.js';
import { toCsv } from '../../src/cli/output/csv.js';
import { parseOutput } from '../../src/cli/output/format.js';
import { renderPanel } from '../../src/cli/output/panel.js';
import { createPrinter, type Column, type OutStream } from '../../src/cli/output/printer.js';
import { colorEnabled, createStyle, stripAnsi } from '../../src/cli/output/style.js';
import { renderTable } from '../../src/cli/output/table.js';
import { testTempDir } from '../helpers/temp-dir.js';

const plain = createStyle(false);

function stream(isTTY = false, columns?: number): OutStream & { text: string } {
  return { text: '', isTTY, ...(columns ? { columns } : {}), write(chunk: string) { this.text += chunk; return true; } };
}

interface Row { id: string; name: string }
const columns: Column<Row>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'NAME', value: (r) => r.name, shrinkable: true },
];
const page = {
  users: [{ id: 'VXNlcjox', name: 'Admin' }, { id: 'VXNlcjoy', name: 'Jane Doe' }],
  pagination: { has_more: true, next_cursor: 'abc' },
};

describe('table', () => {
  it('aligns columns two spaces apart without trailing blanks', () => {
    const text = renderTable([{ header: 'ID', shrinkable: false }, { header: 'NAME', shrinkable: true }], [['1', 'a'], ['22', 'bbb']], { style: plain });
    expect(text).toBe('ID  NAME\n1   a\n22  bbb\n');
  });

  it('cuts only shrinkable columns, with …, to fit the width', () => {
    const rows = [['VXNlcjox', 'a very long name that does not fit']];
    const text = renderTable([{ header: 'ID', shrinkable: false }, { header: 'NAME', shrinkable: true }], rows, { width: 24, style: plain });
    const lines = text.trimEnd().split('\n');
    expect(lines[1]).toBe('VXNlcjox  a very long n…');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(24);
  });

  it('keeps ids whole even when the table cannot fit', () => {
    const text = renderTable([{ header: 'ID', shrinkable: false }], [['QXVkaXRMb2c6MjU=']], { width: 5, style: plain });
    expect(text).toContain('QXVkaXRMb2c6MjU=');
  });

  it('flattens line breaks inside cells', () => {
    expect(renderTable([{ header: 'A', shrinkable: true }], [['x\ny']], { style: plain })).toBe('A\nx y\n');
  });
});

describe('cells', () => {
  it('formats role assignments, arrays and empties', () => {
    expect(formatCell({ type: 'PREDEFINED', name: 'MEMBER' })).toBe('MEMBER');
    expect(formatRole({ type: 'CUSTOM', id: 'Um9sZTo1', name: 'Data Scientist' })).toBe('Data Scientist (custom Um9sZTo1)');
    expect(formatCell(['A', 'B'])).toBe('A, B');
    expect(formatCell(undefined)).toBe('');
    expect(formatCell(false)).toBe('false');
    expect(truncate('abcdef', 4)).toBe('abc…');
  });
});

describe('panel', () => {
  it('prints scalars as aligned key/value lines, nested objects as dotted keys, lists of objects as tables', () => {
    const text = renderPanel({
      id: 'QXBpS2V5OjM=',
      name: 'svc',
      permissions: ['PROJECT_READ', 'DATASET_CREATE'],
      bot_user: { id: 'VXNlcjo0', account_role: { type: 'PREDEFINED', name: 'MEMBER' }, organizations: [{ org_id: 'T3Jn', role: { type: 'PREDEFINED', name: 'READ_ONLY' } }] },
    }, { style: plain });
    expect(text).toContain('id                     QXBpS2V5OjM=\n');
    expect(text).toContain('bot_user.account_role  MEMBER\n');
    expect(text).toContain('permissions            PROJECT_READ, DATASET_CREATE\n');
    expect(text).toMatch(/bot_user\.organizations:\nORG ID\s+ROLE\nT3Jn\s+READ_ONLY\n/);
  });

  it('wraps long lists under their key', () => {
    const permissions = Array.from({ length: 12 }, (_, i) => `PERMISSION_${i}`);
    const lines = renderPanel({ permissions }, { width: 40, style: plain }).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[1]!.startsWith(' '.repeat('permissions'.length + 2))).toBe(true);
  });
});

describe('csv', () => {
  it('quotes per RFC 4180 and flattens nested objects to dotted columns', () => {
    const text = toCsv([
      { id: '1', name: 'Doe, Jane', role: { type: 'PREDEFINED', name: 'MEMBER' } },
      { id: '2', name: 'say "hi"', extra: ['A', 'B'] },
    ]);
    expect(text).toBe('id,name,role.type,role.name,extra\r\n1,"Doe, Jane",PREDEFINED,MEMBER,\r\n2,"say ""hi""",,,"A,B"\r\n');
  });
});

describe('-o parsing', () => {
  it('accepts formats in any case and picks a file format by extension', () => {
    expect(parseOutput('JSON')).toEqual({ kind: 'json' });
    expect(parseOutput(undefined)).toEqual({ kind: 'table' });
    expect(parseOutput(undefined, 'yaml')).toEqual({ kind: 'yaml' });
    expect(parseOutput('out/users.csv')).toEqual({ kind: 'csv', file: 'out/users.csv' });
    expect(parseOutput('keys.JSONL')).toEqual({ kind: 'jsonl', file: 'keys.JSONL' });
    expect(parseOutput('a.yml')).toEqual({ kind: 'yaml', file: 'a.yml' });
  });

  it('rejects unknown formats and extensions as usage errors', () => {
    expect(() => parseOutput('xml')).toThrow(UsageError);
    expect(() => parseOutput('users.parquet')).toThrow(/parquet is not supported/);
  });
});

describe('colour', () => {
  it('is on only for a TTY, never with NO_COLOR, forced by CLICOLOR_FORCE', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { CLICOLOR: '0' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { CLICOLOR_FORCE: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { CLICOLOR_FORCE: '1', NO_COLOR: '1' })).toBe(false);
    expect(stripAnsi(createStyle(true).red('x'))).toBe('x');
  });
});

describe('printer', () => {
  it('prints the API object itself, 2-space indented, for -o json', async () => {
    const stdout = stream(true);
    const printer = await createPrinter({ kind: 'json' }, { stdout, stderr: stream(), env: {} });
    printer.list({ response: page, items: page.users, columns, noun: 'users', nextCursor: 'abc' });
    expect(stdout.text).toBe(JSON.stringify(page, null, 2) + '\n');
  });

  it('json output is byte-identical with and without a TTY', async () => {
    const outputs = await Promise.all([true, false].map(async (isTTY) => {
      const stdout = stream(isTTY, 80);
      const printer = await createPrinter({ kind: 'json' }, { stdout, stderr: stream(), env: { CLICOLOR_FORCE: isTTY ? '1' : '' } });
      printer.object(page.users[0]!);
      return stdout.text;
    }));
    expect(outputs[0]).toBe(outputs[1]);
  });

  it('ends a table with the --cursor hint when more items exist', async () => {
    const stdout = stream();
    const printer = await createPrinter({ kind: 'table' }, { stdout, stderr: stream(), env: {} });
    printer.list({ response: page, items: page.users, columns, noun: 'users', nextCursor: 'abc' });
    expect(stdout.text).toBe('ID        NAME\nVXNlcjox  Admin\nVXNlcjoy  Jane Doe\nMore users available: add --cursor abc for the next page, or --all for every page.\n');
  });

  it('says so when a list is empty', async () => {
    const stdout = stream();
    const printer = await createPrinter({ kind: 'table' }, { stdout, stderr: stream(), env: {} });
    printer.list({ response: { users: [], pagination: { has_more: false } }, items: [], columns, noun: 'users' });
    expect(stdout.text).toBe('No users found.\n');
  });

  it('prints yaml and csv (list items only)', async () => {
    const yamlOut = stream();
    (await createPrinter({ kind: 'yaml' }, { stdout: yamlOut, stderr: stream(), env: {} })).list({ response: page, items: page.users, columns, noun: 'users' });
    expect(yamlOut.text).toContain('users:\n  - id: VXNlcjox\n');
    expect(yamlOut.text).toContain('next_cursor: abc');
    const csvOut = stream();
    (await createPrinter({ kind: 'csv' }, { stdout: csvOut, stderr: stream(), env: {} })).list({ response: page, items: page.users, columns, noun: 'users' });
    expect(csvOut.text).toBe('id,name\r\nVXNlcjox,Admin\r\nVXNlcjoy,Jane Doe\r\n');
  });

  it('writes -o FILE in the format of its extension and says so on stderr', async () => {
    const dir = testTempDir('ax-out-');
    const file = join(dir, 'users.json');
    const stdout = stream();
    const stderr = stream();
    (await createPrinter({ kind: 'json', file }, { stdout, stderr, env: {} })).list({ response: page, items: page.users, columns, noun: 'users' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(page);
    expect(stdout.text).toBe('');
    expect(stderr.text).toContain(`Wrote 2 users to ${file}`);
  });

  it('fails with a file error when the output file cannot be written', async () => {
    const printer = await createPrinter({ kind: 'json', file: '/nonexistent-dir/x.json' }, { stdout: stream(), stderr: stream(), env: {} });
    expect(() => printer.object({ a: 1 })).toThrow(FileError);
  });

  it('leaves secrets out of the panel and prints them once on a marked line with a reminder', async () => {
    const stdout = stream();
    const stderr = stream();
    const printer = await createPrinter({ kind: 'table' }, { stdout, stderr, env: {} });
    printer.object({ id: 'QXBpS2V5OjI=', key: 'ak-secret' }, { omit: ['key'] });
    printer.secret('API key', 'ak-secret');
    expect(stdout.text).toBe('id  QXBpS2V5OjI=\n\nAPI key: ak-secret\n');
    expect(stdout.text.match(/ak-secret/g)).toHaveLength(1);
    expect(stderr.text).toMatch(/cannot be retrieved again/);
  });
});

describe('a dry run\'s preview', () => {
  const cascade = {
    dry_run: true as const, spaces: 100, projects: 1000, organization_memberships: 948, space_memberships: 948, role_bindings: 9931,
    resource_restrictions: 46, service_keys_without_space: 0, principals: [],
  };
  const print = async (answer: Parameters<typeof printDeletePreview>[1]) => {
    const [stdout, stderr] = [stream(), stream()];
    const printer = await createPrinter({ kind: 'table' }, { stdout, stderr, env: {} });
    printDeletePreview(new CommandContext(new Command(), printer, undefined, {}), answer);
    return { stdout: stdout.text, stderr: stderr.text };
  };

  it('says when the server left the principals out, and still counts what goes', async () => {
    const omitted = await print({ ...cascade, principals_omitted: true });
    expect(omitted.stderr).toContain('More than 20,000 changes of access (a principal on a resource): not listed.');
    expect(omitted.stdout).toContain('Would remove: 100 spaces, 1000 projects, 948 organization memberships');
    const listed = await print(cascade);
    expect(listed.stderr).not.toContain('not listed');
  });
});
