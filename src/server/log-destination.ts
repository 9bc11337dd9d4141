import type { DestinationStream } from 'pino';

/**
 * Where the server's log lines go: JSON on stdout (pino's default, for collectors) unless AX_LOG_FORMAT=pretty, or
 * `auto` and stdout is a terminal, where a person reads them: then pino-pretty (pino's own prettifier, run in this
 * thread so that lines keep their order with the process's other output), one line per entry, colour as the
 * terminal and NO_COLOR allow. pino-pretty is loaded only then.
 */
export async function logDestination(format: 'json' | 'pretty' | 'auto', stdout: NodeJS.WriteStream = process.stdout): Promise<DestinationStream | undefined> {
  if (format === 'json' || (format === 'auto' && !stdout.isTTY)) return undefined;
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    sync: true,
    destination: 1,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}
