import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { testTempDir } from '../helpers/temp-dir.js';

/** Runs `script`'s bash completion function for a command line whose last word is being completed (inside a test). */
export function completeBash(script: string, words: string[]): string[] {
  const file = join(testTempDir('ax-completion-'), 'ax.bash');
  writeFileSync(file, script);
  const array = words.map((w) => `'${w}'`).join(' ');
  const result = spawnSync('bash', ['-c', `source ${file}; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _ax_completion; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter((line) => line !== '');
}
