import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/server.js';

// Issue 9 §1: the client's types are the server's TypeBox schemas, taken as types only. A value import would put
// TypeBox (and the schema objects) into `ax` and into the console's bundle, and slow every `ax` start.

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every `import … from '…'` statement of a file whose specifier matches, with whether it is `import type`. */
function importsOf(text: string, specifier: RegExp): { statement: string; typeOnly: boolean }[] {
  return [...text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)]
    .filter((m) => specifier.test(m[2]!))
    .map((m) => ({ statement: m[0].replace(/\s+/g, ' '), typeOnly: m[1] !== undefined }));
}

describe('the client loads no schema code at run time', () => {
  const WIRE_OR_TYPEBOX = /(^@sinclair\/typebox|\/wire\/)/;

  it('imports src/wire and TypeBox as types only, in the library client and in the console', () => {
    const offending = [...sourceFiles(join(REPO_ROOT, 'src/client')), ...sourceFiles(join(REPO_ROOT, 'web/src'))].flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'), WIRE_OR_TYPEBOX)
        .filter((i) => !i.typeOnly)
        .map((i) => `${relative(REPO_ROOT, file)}: ${i.statement}`));
    expect(offending).toEqual([]);
  });

  it('finds the imports it checks (the check above is not vacuous)', () => {
    const types = readFileSync(join(REPO_ROOT, 'src/client/types.ts'), 'utf8');
    expect(importsOf(types, WIRE_OR_TYPEBOX).length).toBeGreaterThan(5);
    expect(importsOf("import { Type } from '@sinclair/typebox';", WIRE_OR_TYPEBOX)).toEqual([
      { statement: "import { Type } from '@sinclair/typebox';", typeOnly: false },
    ]);
  });

  it.skipIf(!existsSync(join(REPO_ROOT, 'dist/cli/program.cjs')))('leaves TypeBox out of the ax bundle', () => {
    for (const bundle of ['dist/cli/main.cjs', 'dist/cli/program.cjs']) {
      const text = readFileSync(join(REPO_ROOT, bundle), 'utf8');
      expect(text, bundle).not.toContain('TypeBoxError');
      expect(text, bundle).not.toContain('@sinclair/typebox');
    }
  });
});
