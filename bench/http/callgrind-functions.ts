// Instructions per request by function, from a callgrind file of a Node process started with --perf-basic-prof:
// callgrind names V8's compiled JavaScript (and regular expressions) only by address, and the process's perf map
// (/tmp/perf-<pid>.map, one `start size name` line per compiled code object, in the order they were made) names
// them. An address can be reused by later code once V8 frees the earlier one: the latest code object to cover it wins.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { frameOrigins } from '../lib/frame-origin.js';

interface CodeObject { start: number; end: number; name: string; order: number }

/** The perf map's code objects by start address, the latest one made at each address kept. */
function readPerfMap(file: string): CodeObject[] {
  const byStart = new Map<number, CodeObject>();
  readFileSync(file, 'utf8').split('\n').forEach((line, order) => {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (!m) return;
    const start = Number.parseInt(m[1]!, 16);
    byStart.set(start, { start, end: start + Number.parseInt(m[2]!, 16), name: m[3]!, order });
  });
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

/** The name of the latest code object covering `address`; code objects overlap only where an address was reused. */
function nameAt(code: CodeObject[], address: number): string {
  let low = 0;
  let high = code.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (code[mid]!.start <= address) low = mid + 1;
    else high = mid;
  }
  let found: CodeObject | undefined;
  for (let i = low - 1; i >= 0 && i >= low - 50; i--) {
    const c = code[i]!;
    if (c.start <= address && address < c.end && (found === undefined || c.order > found.order)) found = c;
  }
  return found ? `JIT ${sourceNamed(found.name)}` : 'JIT (unnamed)';
}

const origin = frameOrigins();

/**
 * A perf map name (`JS:*find file:///…:line:column`) with its place as the source's file and line (no column): code
 * from the server's bundle is named by the module it came from (bench/lib/frame-origin.ts), so that a dependency's
 * function has the same name in the subject as in the bare peer, which loads it from node_modules.
 */
function sourceNamed(name: string): string {
  const m = /^(.* )(file:\S+):(\d+):(\d+)$/.exec(name);
  if (!m) return name;
  const { url, line } = origin({ url: m[2]!, lineNumber: Number(m[3]) - 1, columnNumber: Number(m[4]) - 1 });
  return `${m[1]}${url}:${line}`;
}

/** Self instructions per request of each function in `callgrindFile`, JIT code named from `perfMapFile`. */
export function instructionsByFunction(callgrindFile: string, perfMapFile: string, requests: number): Map<string, number> {
  const code = readPerfMap(perfMapFile);
  const annotated = execFileSync('callgrind_annotate', ['--threshold=100', callgrindFile], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const costs = new Map<string, number>();
  for (const line of annotated.split('\n')) {
    const m = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (!m || m[2]!.includes('PROGRAM TOTALS')) continue;
    const jit = /^\?\?\?:0x([0-9a-f]+)/.exec(m[2]!);
    const name = jit ? nameAt(code, Number.parseInt(jit[1]!, 16)) : m[2]!.replace(/^\?\?\?:/, '');
    costs.set(name, (costs.get(name) ?? 0) + Number(m[1]!.replaceAll(',', '')) / requests);
  }
  return costs;
}

/** The `top` functions the subject spends more on than the peer, with both figures: where the difference goes. */
export function printDifference(subject: Map<string, number>, peer: Map<string, number>, top: number): void {
  const names = new Set([...subject.keys(), ...peer.keys()]);
  const rows = [...names].map((name) => ({ name, subject: subject.get(name) ?? 0, peer: peer.get(name) ?? 0 }))
    .sort((a, b) => (b.subject - b.peer) - (a.subject - a.peer)).slice(0, top);
  console.log(`the ${top} functions the subject spends most over the peer on (self instructions per request: difference, subject, peer):`);
  for (const row of rows) {
    const figures = [row.subject - row.peer, row.subject, row.peer].map((n) => Math.round(n).toLocaleString('en').padStart(7));
    console.log(`  ${figures.join(' ')}  ${row.name.slice(0, 120)}`);
  }
}
