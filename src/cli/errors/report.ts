import { STATUS_CODES } from 'node:http';
import { ConnectionError, HttpError } from '../../client/errors.js';
import type { Style } from '../output/style.js';
import { CliError } from './cli-error.js';
import { EXIT, exitCodeForStatus, type ExitCode } from './exit-codes.js';
import { suggestionFor, type ErrorContext } from './suggestions.js';

export interface ErrorReport {
  /** Lines for stderr, without trailing newlines. */
  lines: string[];
  exitCode: ExitCode;
}

const RAW_BODY_LIMIT = 1000;

/** Turns any thrown value into the lines printed on stderr and the exit code; never a stack trace unless verbose. */
export function reportError(error: unknown, options: { verbose: boolean; style: Style; context?: ErrorContext }): ErrorReport {
  const { style, verbose } = options;
  const head = (text: string) => `${style.red('✗ Error:')} ${text}`;
  const suggestion = (text: string) => `${style.dim('Suggestion:')} ${text}`;

  if (error instanceof HttpError) {
    const reason = STATUS_CODES[error.status] ?? 'Error';
    const what = oneLine(error.problem?.detail ?? error.problem?.title ?? plainTextReason(error) ?? reason);
    const lines = [head(`${error.status} ${reason}; ${what}`)];
    if (verbose) lines.push(...verboseHttp(error, style));
    lines.push(suggestion(suggestionFor(error, options.context)));
    return { lines, exitCode: exitCodeForStatus(error.status) };
  }
  if (error instanceof ConnectionError) {
    const lines = [head(`could not reach the server at ${error.endpoint} (${error.code})`)];
    if (verbose) lines.push(`  ${error.message}`);
    lines.push(
      suggestion(
        error.code === 'EBADRESPONSE'
          ? 'That endpoint is not an ax server; point ax at one with --endpoint, ARIZE_ENDPOINT or `ax profiles update --endpoint URL`.'
          : 'Start a local server with `ax serve`, or point ax at a running one with --endpoint, ARIZE_ENDPOINT or `ax profiles update --endpoint URL`.',
      ),
    );
    return { lines, exitCode: EXIT.API };
  }
  if (error instanceof CliError) {
    const lines = [head(error.message)];
    if (error.suggestion) lines.push(suggestion(error.suggestion));
    return { lines, exitCode: error.exitCode };
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`${style.red('✗ Unexpected error:')} ${message}`];
  if (verbose && error instanceof Error && error.stack) lines.push(error.stack);
  else lines.push(style.dim('Run with --verbose for technical details.'));
  return { lines, exitCode: EXIT.GENERAL };
}

/**
 * A short text/plain body (a proxy's "upstream timed out") read as the reason; an HTML page or a JSON body that is not
 * a problem is not a reason: its first lines would spill over the one-line error (`--verbose` shows the body).
 */
function plainTextReason(error: HttpError): string | undefined {
  if (!(error.headers['content-type'] ?? '').startsWith('text/plain')) return undefined;
  const text = oneLine(error.body);
  if (text === '') return undefined;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

function verboseHttp(error: HttpError, style: Style): string[] {
  const lines = ['', style.bold('HTTP Response'), `  Request: ${error.method} ${error.url}`, `  Status: ${error.status}`];
  const problem = error.problem ?? {};
  for (const [key, value] of Object.entries(problem)) {
    if (key === 'status') continue;
    lines.push(`  ${key[0]!.toUpperCase()}${key.slice(1)}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  const headerNames = Object.keys(error.headers).filter(
    (name) => name === 'content-type' || name === 'retry-after' || name.startsWith('x-'),
  );
  if (headerNames.length > 0) {
    lines.push('', style.bold('Response Headers'));
    for (const name of headerNames.sort()) lines.push(`  ${name}: ${error.headers[name]}`);
  }
  const body = error.body.length > RAW_BODY_LIMIT ? `${error.body.slice(0, RAW_BODY_LIMIT)}… (truncated)` : error.body;
  lines.push('', style.bold('Raw Response Body'), `  ${body || '(empty)'}`, '');
  return lines;
}
