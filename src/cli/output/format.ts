import { extname } from 'node:path';
import { UsageError } from '../errors/cli-error.js';

export type OutputKind = 'table' | 'json' | 'yaml' | 'csv' | 'jsonl';

/** Where and how a command prints: a format on stdout, or a file whose extension picks the format. */
export interface OutputTarget {
  kind: OutputKind;
  file?: string;
}

export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'csv'] as const;

const BY_EXTENSION: Record<string, OutputKind> = {
  '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.yaml': 'yaml', '.yml': 'yaml', '.csv': 'csv',
};

/** Parses `-o/--output`: `table|json|yaml|csv` (any case) or a file path whose extension selects the format. */
export function parseOutput(value: string | undefined, fallback: string = 'table'): OutputTarget {
  const text = (value ?? fallback).trim();
  const lower = text.toLowerCase();
  if (lower === 'table' || lower === 'json' || lower === 'yaml' || lower === 'csv') return { kind: lower };
  if (lower === 'yml') return { kind: 'yaml' };
  const looksLikePath = text.includes('.') || text.includes('/') || text.includes('\\');
  if (!looksLikePath) {
    throw new UsageError(`unknown output format "${text}"`, 'Use -o table, json, yaml or csv, or a file path ending in .json, .jsonl, .yaml, .yml or .csv.');
  }
  const ext = extname(lower);
  const kind = BY_EXTENSION[ext];
  if (!kind) {
    throw new UsageError(
      `cannot tell the format of output file "${text}"${ext ? ` (${ext} is not supported)` : ''}`,
      'Use a file name ending in .json, .jsonl, .yaml, .yml or .csv (a table is for the terminal only).',
    );
  }
  return { kind, file: text };
}
