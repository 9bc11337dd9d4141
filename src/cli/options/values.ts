import { InvalidArgumentError } from 'commander';
import { UsageError } from '../errors/cli-error.js';

/** Commander parser for a whole number within bounds. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** Commander parser for repeatable, comma-separable values (`--id a,b --id c`). */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((part) => part.trim()).filter((part) => part !== '')];
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const NO_ZONE = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * An ISO 8601 instant as RFC 3339 UTC. A date alone means midnight UTC and a time without an offset is taken as UTC
 * (as Arize's CLI does for `--expires-at`).
 */
export function parseInstant(value: string, flag: string): string {
  let text = value.trim();
  if (DATE_ONLY.test(text)) text += 'T00:00:00Z';
  else if (NO_ZONE.test(text)) text += 'Z';
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms)) {
    throw new UsageError(`${flag}: "${value}" is not an ISO 8601 date or time`, 'Use e.g. 2027-01-01 or 2027-01-01T00:00:00Z.');
  }
  return rfc3339(ms);
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: an ISO instant, or a duration back from now such as `90m`, `24h`, `7d`, `2w`. */
export function parseSince(value: string, now: number = Date.now()): string {
  const duration = /^\s*(\d+)\s*([smhdw])\s*$/i.exec(value);
  if (duration) return rfc3339(now - Number(duration[1]) * UNIT_MS[duration[2]!.toLowerCase()]!);
  if (!/^\d{4}-/.test(value.trim())) {
    throw new UsageError(`--since: "${value}" is neither a duration nor an ISO 8601 time`, 'Use e.g. 24h, 7d, 30m or 2026-05-01T00:00:00Z.');
  }
  return parseInstant(value, '--since');
}

/** `--for`: a duration such as `90m`, `4h`, `7d`, `2w`, as the instant that long after `now`. */
export function parseFor(value: string, now: number = Date.now()): string {
  const duration = /^\s*(\d+)\s*([smhdw])\s*$/i.exec(value);
  if (!duration || Number(duration[1]) === 0) throw new UsageError(`--for: "${value}" is not a duration`, 'Use e.g. 30m, 4h, 7d or 2w.');
  return rfc3339(now + Number(duration[1]) * UNIT_MS[duration[2]!.toLowerCase()]!);
}

/** RFC 3339 in UTC, without milliseconds when they are zero. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
