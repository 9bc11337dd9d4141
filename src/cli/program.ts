import { Command, CommanderError } from 'commander';
import { EXIT } from './errors/exit-codes.js';
import { rootHelp } from './help/root-help.js';
import { HELP_TOPICS } from './help/topics.js';
import { colorEnabled, createStyle } from './output/style.js';
import { loadNoun, NOUNS } from './registry.js';
import { VERSION } from './version.js';

/**
 * The root `ax` command. Only the top-level command named by `noun` is loaded; for an unknown noun every command is a
 * stub (name and description); `'*'` loads every one (shell completion, tests).
 */
export async function buildProgram(noun: string | undefined): Promise<Command> {
  const program = new Command('ax')
    .usage('<command> <subcommand> [flags]')
    .version(`ax version ${VERSION}`, '-V, --version', 'print the version')
    .helpCommand(false);
  // One text for `ax --help` (printed by main.ts without commander) and `ax help`.
  program.helpInformation = rootHelp;
  const invoked = NOUNS.find((entry) => entry.name === noun);
  for (const entry of NOUNS) {
    if (noun === '*' || entry === invoked) program.addCommand(await loadNoun(entry));
    // Stubs (name and description) only serve unknown-command errors and their suggestions: skipped when a known
    // command runs, as building commands is a measurable part of start-up.
    else if (!invoked) program.command(entry.name).description(entry.description);
  }
  program
    .command('help')
    .description(`Help about a command, or a topic: ${Object.keys(HELP_TOPICS).join(', ')}`)
    .argument('[topic...]', 'a command (and subcommand), or a topic')
    .action(async (topic: string[]) => showHelp(program, topic));
  configureTree(program);
  return program;
}

/** Parses argv and runs the command; usage errors exit 2, `--help`/`--version` exit 0. */
export async function run(argv: readonly string[]): Promise<void> {
  const program = await buildProgram(argv.find((word) => !word.startsWith('-')));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
}

/** Every command: errors as `✗ Error:` lines, no process.exit from inside commander, a pointer to --help. */
function configureTree(command: Command): void {
  const style = createStyle(colorEnabled(process.stderr));
  const visit = (cmd: Command) => {
    cmd
      .helpCommand(false)
      .exitOverride()
      .configureOutput({
        outputError: (text, write) => write(`${style.red('✗ Error:')} ${text.replace(/^error: /, '')}`),
      })
      .showHelpAfterError(style.dim(`Run '${fullName(cmd)} --help' for usage.`));
    for (const sub of cmd.commands) visit(sub);
  };
  visit(command);
}

function fullName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

async function showHelp(program: Command, topic: readonly string[]): Promise<void> {
  if (topic.length === 0) {
    program.outputHelp();
    return;
  }
  const text = HELP_TOPICS[topic[0]!];
  if (text && topic.length === 1) {
    process.stdout.write(text.text());
    return;
  }
  const full = NOUNS.some((entry) => entry.name === topic[0]) ? await buildProgram(topic[0]) : program;
  let cmd: Command | undefined = full;
  for (const word of topic) cmd = cmd?.commands.find((sub) => sub.name() === word);
  if (!cmd) {
    program.error(`unknown help topic "${topic.join(' ')}"; try \`ax help\` for the commands, or ${Object.keys(HELP_TOPICS).join(', ')}`, { exitCode: EXIT.USAGE, code: 'ax.unknownHelpTopic' });
  }
  cmd.outputHelp();
}
