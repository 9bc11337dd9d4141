import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import type { WorldSizes } from '../lib/seeded-server.js';

export interface CasbinHolder {
  pid: number;
  groupingRows: number;
  /** From spawn to loaded, in ms. */
  loadMs: number;
  stop(): Promise<void>;
}

/**
 * Starts casbin-holder.ts on plain `node` (with `env` added to its environment), like the server's built code without a TypeScript loader in
 * its RSS: bundled with casbin into one CommonJS file first (CommonJS because casbin requires Node built-ins, which
 * an ES module bundle cannot). Resolves once casbin holds the world's bindings.
 */
export async function startCasbinHolder(sizes: WorldSizes, env: Record<string, string> = {}): Promise<CasbinHolder> {
  const dir = await mkdtemp(join(tmpdir(), 'ax-bench-casbin-'));
  const file = join(dir, 'casbin-holder.cjs');
  await build({
    entryPoints: [new URL('./casbin-holder.ts', import.meta.url).pathname],
    bundle: true, format: 'cjs', platform: 'node', target: 'node20', outfile: file, logLevel: 'warning',
  });
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [file, JSON.stringify(sizes)], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      void exited.then(() => reject(new Error('the casbin holder exited before loading')));
    });
    const { groupingRows } = JSON.parse(line) as { groupingRows: number };
    return { pid: child.pid!, groupingRows, loadMs: Number(process.hrtime.bigint() - t0) / 1e6, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
