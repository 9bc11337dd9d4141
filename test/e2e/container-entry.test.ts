import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { REPO_ROOT } from '../helpers/server.js';

/** ENV, WORKDIR, ENTRYPOINT, CMD and HEALTHCHECK of the Dockerfile's last stage (the image that runs). */
function readImage(): { env: Record<string, string>; workdir: string; entry: string[]; healthcheck: string[] } {
  const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const lastStage = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  let workdir = '/';
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  let healthcheck: string[] = [];
  for (const line of lastStage.split('\n')) {
    const [instruction, ...rest] = line.trim().split(/\s+/);
    const args = rest.join(' ');
    if (instruction === 'ENV') for (const pair of rest) env[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
    if (instruction === 'WORKDIR') workdir = args;
    if (instruction === 'ENTRYPOINT') entrypoint = JSON.parse(args) as string[];
    if (instruction === 'CMD') cmd = JSON.parse(args) as string[];
    if (instruction === 'HEALTHCHECK') healthcheck = JSON.parse(args.slice(args.indexOf(' CMD ') + 5)) as string[];
  }
  return { env, workdir, entry: [...entrypoint, ...cmd], healthcheck };
}

/** Every file under `dir` with its size and modification time, to prove nothing was written there. */
function snapshot(dir: string): string[] {
  const entries: string[] = [];
  const visit = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat || name === 'node_modules') continue;
      if (stat.isDirectory()) visit(path);
      else entries.push(`${relative(dir, path)} ${stat.size} ${stat.mtimeMs}`);
    }
  };
  visit(dir);
  return entries.sort();
}

/**
 * Issue 16, container: no container engine runs in the tests, so this runs what the image runs — the Dockerfile's
 * ENTRYPOINT + CMD with its ENV, from its WORKDIR — on the built output laid out as the image lays it out (bin,
 * dist, package.json, node_modules), with that directory read-only and only the data directory writable, then its
 * HEALTHCHECK command. `npm run build` first.
 */
describe('the container image\'s start path', () => {
  const work = mkdtempSync(join(tmpdir(), 'ax-image-'));
  let database: TestDatabase | undefined;
  afterAll(async () => {
    spawnSync('chmod', ['-R', 'u+w', work]);
    rmSync(work, { recursive: true, force: true });
    await database?.drop();
  });

  it('starts with the image\'s entry command and environment on a read-only application directory, answers its healthcheck, and stops on SIGTERM', async () => {
    const image = readImage();
    expect(image.entry).toEqual(['node', `${image.workdir}/bin/ax.js`, 'serve']);
    expect(image.env.AX_DATA_DIR).toBe('/data');

    // The image's /app: what the runtime stage copies, then made read-only.
    const app = join(work, 'app');
    mkdirSync(app);
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(REPO_ROOT, part), join(app, part), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(app, 'node_modules'));
    spawnSync('chmod', ['-R', 'a-w', app]);
    const before = snapshot(app);
    // The image's /data volume: the only writable place (0700, as the Dockerfile makes it).
    const data = join(work, 'data');
    mkdirSync(data, { mode: 0o700 });

    database = await createTestDatabase();
    const inImage = (path: string) => path.replace(/^\/data(?=\/|$)/, data).replace(new RegExp(`^${image.workdir}(?=/|$)`), app);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      // HOME inside the read-only tree: anything written there would show in the snapshot.
      HOME: join(app, 'home'),
      ...Object.fromEntries(Object.entries(image.env).map(([name, value]) => [name, inImage(value)])),
      // A free port instead of 8080; the rest as the image sets it.
      AX_PORT: '0',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    };
    const [command, ...args] = image.entry.map(inImage);
    expect(command).toBe('node');
    const child = spawn(process.execPath, args, { cwd: inImage(image.workdir), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        // Off a terminal, as in a container: JSON lines.
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'ax server ready' && entry.url) resolve(entry.url);
      });
      child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      const port = new URL(url).port;
      // The HEALTHCHECK command, as Docker runs it inside the container.
      const [healthCommand, ...healthArgs] = image.healthcheck;
      expect(healthCommand).toBe('node');
      const health = spawnSync(process.execPath, healthArgs, { env: { ...env, AX_PORT: port }, timeout: 10_000 });
      expect(health.status).toBe(0);
      // `docker compose exec ax ax users list`: the bootstrap profile in the data volume points at the server.
      const list = spawnSync(process.execPath, [join(app, 'bin/ax.js'), 'users', 'list', '-o', 'json'], { cwd: app, env, encoding: 'utf8', timeout: 20_000 });
      expect(list.stderr).toBe('');
      expect(list.status).toBe(0);
      expect(list.stdout).toContain('"email": "admin@localhost"');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(snapshot(app)).toEqual(before);
    const written = readdirSync(data).sort();
    expect(written).toEqual(expect.arrayContaining(['admin.key', 'admin.password', 'ax-cli', 'key-pepper', 'token-key']));
    expect(written.includes('ax.db')).toBe(database.url === undefined);
    expect(existsSync(join(app, 'home'))).toBe(false);
  });
});
