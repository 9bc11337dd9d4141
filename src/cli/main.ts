/**
 * Entry point of `ax` (bin/ax.js imports the compiled file). `--version` is answered before commander is even loaded,
 * and command modules are imported only when their command runs: start-up time is measured (bench row B9).
 */
import { VERSION } from './version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`ax version ${VERSION}\n`);
} else {
  const { run } = await import('./program.js');
  try {
    await run(argv);
  } catch (error) {
    process.stderr.write(`✗ Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
