import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * A new folder in the OS temp dir, removed when the running test ends: after the test's own `finally` and after any
 * process it waited for. Only inside a test (or a function a test calls); a folder made in beforeAll is the file's
 * afterAll's to remove.
 */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
