/**
 * Entry point of `ax` (bin/ax.js loads the bundle of this file, dist/cli/main.cjs, or tsc's dist/cli/main.js).
 * `--version` and `--help` are answered before commander is even loaded, and command modules are imported only when
 * their command runs: start-up time is measured (bench row B9). No top-level await: the bundle is CommonJS.
 */
import { VERSION } from './version.js';

/** Inlined by scripts/bundle-cli.js into dist/cli/main.cjs (a hash of program.cjs); undefined in tsc's output and under tsx. */
declare const __AX_PROGRAM_HASH__: string | undefined;

async function main(argv: readonly string[]): Promise<void> {
  const only = argv.length === 1 ? argv[0] : argv.length === 0 ? '--help' : undefined;
  if (only === '--version' || only === '-V') {
    process.stdout.write(`ax version ${VERSION}\n`);
    return;
  }
  if (only === '--help' || only === '-h' || only === 'help') {
    const { rootHelp } = await import('./help/root-help.js');
    process.stdout.write(rootHelp());
    return;
  }
  const { run } = typeof __AX_PROGRAM_HASH__ === 'string'
    ? (await import('./startup/bundled-program.js')).loadBundledProgram(__AX_PROGRAM_HASH__)
    : await import('./program.js');
  await run(argv);
}

// `ax users list | head -3` closes stdout early: stop quietly rather than crash on the broken pipe.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`✗ Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
