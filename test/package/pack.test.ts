import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as another service gets it: `npm pack`, unpacked into a fresh project's node_modules, imported and
 * type-checked from there. Its runtime dependencies are linked from this repository's node_modules (no registry).
 */

const REPO_ROOT = resolve(import.meta.dirname, '../..');
let project: string;

function link(into: string, name: string): void {
  const target = join(REPO_ROOT, 'node_modules', name);
  const at = join(into, 'node_modules', name);
  mkdirSync(join(at, '..'), { recursive: true });
  symlinkSync(target, at, 'dir');
}

function makeProject(name: string, dependencies: string[]): string {
  const dir = join(project, name);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  execFileSync('tar', ['-xzf', join(project, 'package.tgz'), '-C', join(dir, 'node_modules')]);
  renameSync(join(dir, 'node_modules/package'), join(dir, 'node_modules/ax-admin-plane'));
  for (const dependency of dependencies) link(dir, dependency);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  return dir;
}

function typecheck(dir: string, source: string): { status: number | null; output: string } {
  writeFileSync(join(dir, 'check.ts'), source);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
    files: ['check.ts'],
  }));
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  expect(existsSync(join(REPO_ROOT, 'dist/index.js')), 'dist/ is built by npm run build (npm test runs it first)').toBe(true);
  project = mkdtempSync(join(tmpdir(), 'ax-pack-'));
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], { cwd: REPO_ROOT, encoding: 'utf8' });
  const [packed] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  renameSync(join(project, packed!.filename), join(project, 'package.tgz'));
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

/** A cold `tsc` over a packed install: ~25 s on a quiet 2-core machine, more when the suite's other workers load it. */
const TYPECHECK_TIMEOUT_MS = 90_000;

describe('the packed package', () => {
  it('ships the built entry points and no sources, tests or benchmarks', () => {
    const listing = execFileSync('tar', ['-tzf', join(project, 'package.tgz')], { encoding: 'utf8' }).split('\n');
    for (const file of ['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/access/index.js', 'package/dist/client/index.js', 'package/bin/ax.js', 'package/dist/cli/main.cjs']) {
      expect(listing, file).toContain(file);
    }
    expect(listing.filter((f) => /^package\/(src|test|bench|web)\//.test(f))).toEqual([]);
  });

  it('imports ".", "./access" and "./client" at run time, and refuses deep imports', () => {
    const dependencies = Object.keys((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    const dir = makeProject('runtime', dependencies);
    const script = `
      const root = await import('ax-admin-plane');
      const access = await import('ax-admin-plane/access');
      const client = await import('ax-admin-plane/client');
      const snapshot = access.AccessSnapshot.build({ accountId: 1, users: [{ id: 1, role: 'ADMIN', active: true, isBot: false }],
        organizations: [{ id: 7 }], spaces: [], projects: [], roles: [], organizationMemberships: [], spaceMemberships: [], roleBindings: [] });
      let deep = 'imported';
      try { await import('ax-admin-plane/dist/store/database.js'); } catch (error) { deep = error.code; }
      console.log(JSON.stringify({
        startServer: typeof root.startServer, createClient: typeof client.createClient,
        adminMayReadOrg: access.check(snapshot, 1, 'ORGANIZATION_READ', { type: 'ORGANIZATION', id: 7 }), deep,
      }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ startServer: 'function', createClient: 'function', adminMayReadOrg: true, deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  });

  // The client's types are Static<> of the wire schemas, so they need TypeBox's types (a declared dependency); the
  // database, the server and the HTTP framework stay out of both entry points' types.
  it('type-checks "./access" and "./client" with only Node\'s and TypeBox\'s types: no kysely, no internal snapshot maps', () => {
    const dir = makeProject('types-light', ['@types/node', 'undici-types', '@sinclair/typebox']);
    const result = typecheck(dir, `
      import { AccessSnapshot, check, type WorldInput } from 'ax-admin-plane/access';
      import { createClient, type ClientOptions } from 'ax-admin-plane/client';
      const world: WorldInput = { accountId: 1, users: [], organizations: [], spaces: [], projects: [], roles: [],
        organizationMemberships: [], spaceMemberships: [], roleBindings: [] };
      const snapshot = AccessSnapshot.build(world);
      const allowed: boolean = check(snapshot, 1, 'SPACE_READ', { type: 'SPACE', id: 1 });
      // @ts-expect-error the snapshot's mutable maps are @internal, stripped from the published types
      snapshot.users.clear();
      // @ts-expect-error a permission outside the catalogue is a type error
      check(snapshot, 1, 'NOT_A_PERMISSION', { type: 'SPACE', id: 1 });
      const options: ClientOptions = { endpoint: 'http://127.0.0.1:8080', apiKey: 'ak-x' };
      export const used = [allowed, createClient(options)];
    `);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  }, TYPECHECK_TIMEOUT_MS);

  it('type-checks "." with the runtime dependencies installed', () => {
    const dependencies = Object.keys((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    const dir = makeProject('types-root', [...dependencies, '@types/node', 'undici-types', '@types/better-sqlite3', '@types/pg', '@types/nodemailer', 'pg-types', 'pg-protocol']);
    const result = typecheck(dir, `
      import { startServer, type StartedServer, type ConfigOverrides } from 'ax-admin-plane';
      const overrides: ConfigOverrides = { port: 0, dataDir: './data' };
      export const start: (o: ConfigOverrides) => Promise<StartedServer> = startServer;
      export const used = overrides;
    `);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  }, TYPECHECK_TIMEOUT_MS);
});
