import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * An expected failure: printed as `✗ Error: <message>` plus an optional `Suggestion:` line, never with a stack
 * trace, and mapped to its exit code.
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly suggestion: string | undefined;

  constructor(message: string, options: { exitCode?: ExitCode; suggestion?: string } = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? EXIT.GENERAL;
    this.suggestion = options.suggestion;
  }
}

/** Wrong flags or values; exit 2. */
export class UsageError extends CliError {
  constructor(message: string, suggestion?: string) {
    super(message, { exitCode: EXIT.USAGE, ...(suggestion === undefined ? {} : { suggestion }) });
    this.name = 'UsageError';
  }
}

/** A file could not be read or written; exit 5. */
export class FileError extends CliError {
  constructor(message: string, suggestion?: string) {
    super(message, { exitCode: EXIT.FILE_IO, ...(suggestion === undefined ? {} : { suggestion }) });
    this.name = 'FileError';
  }
}

/** The user pressed Ctrl-C at a prompt; exit 130. */
export class InterruptedError extends CliError {
  constructor() {
    super('interrupted', { exitCode: EXIT.INTERRUPTED });
    this.name = 'InterruptedError';
  }
}
