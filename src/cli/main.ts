/**
 * Entry point of `ax` (bin/ax.js imports the compiled file). `--version` and `--help` are answered before commander
 * is even loaded, and command modules are imported only when their command runs: start-up time is measured (bench
 * row B9).
 */
import { VERSION } from './version.js';

const argv = process.argv.slice(2);
const only = argv.length === 1 ? argv[0] : argv.length === 0 ? '--help' : undefined;
if (only === '--version' || only === '-V') {
  process.stdout.write(`ax version ${VERSION}\n`);
} else if (only === '--help' || only === '-h' || only === 'help') {
  const { rootHelp } = await import('./help/root-help.js');
  process.stdout.write(rootHelp());
} else {
  const { run } = await import('./program.js');
  try {
    await run(argv);
  } catch (error) {
    process.stderr.write(`✗ Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
