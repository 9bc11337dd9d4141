#!/usr/bin/env node
// `npm test`'s static checks: the typecheck and the lint, side by side (neither needs the other; each takes tens of
// seconds on 2 cores). Both always run to the end, so one run reports every failure; any failure fails `npm test`.
import { spawn } from 'node:child_process';

const run = (script) => new Promise((resolve) => {
  const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  child.on('close', (code) => resolve({ script, code, output }));
});

const results = await Promise.all([run('typecheck'), run('lint')]);
for (const { script, code, output } of results) {
  process.stdout.write(`${code === 0 ? '✓' : '✗'} npm run ${script}\n`);
  if (code !== 0) process.stderr.write(output);
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
