import { renameSync, writeFileSync } from 'node:fs';

/**
 * Written beside its place, then renamed over it: a process that reads the file while a rebuild writes it (an `ax`
 * or a server started by another test run on the same checkout) reads the old file or the new one, never half of one.
 */
export function writeAtomically(path, contents) {
  const next = `${path}.${process.pid}.tmp`;
  writeFileSync(next, contents);
  renameSync(next, path);
}
