import { readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system, every thread) a process has used so far, from /proc/<pid>/stat; undefined where there is
 * no /proc (not Linux) or the process is gone. Clock ticks are 100 per second on Linux's x86_64 and arm64 builds.
 */
export function processCpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
