import { InterruptedError } from '../errors/cli-error.js';

/** Prompts are drawn on stderr so that stdout stays data; @inquirer/prompts is loaded only when a question is asked. */
const context = { output: process.stderr };

export async function askText(message: string, options: { default?: string; validate?: (value: string) => true | string } = {}): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  return interruptible(() =>
    input({ message, ...(options.default === undefined ? {} : { default: options.default }), ...(options.validate ? { validate: options.validate } : {}) }, context),
  );
}

export async function askSecret(message: string): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  return interruptible(() => password({ message, mask: '*' }, context));
}

export async function askChoice<T extends string>(message: string, choices: readonly { value: T; name: string }[], defaultValue?: T): Promise<T> {
  const { select } = await import('@inquirer/prompts');
  return interruptible(() => select({ message, choices: [...choices], ...(defaultValue === undefined ? {} : { default: defaultValue }) }, context));
}

export async function askYesNo(message: string): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  return interruptible(() => confirm({ message, default: false }, context));
}

/** Ctrl-C at a prompt surfaces as ExitPromptError; it is an interruption (exit 130), not a failure. */
async function interruptible<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') throw new InterruptedError();
    throw error;
  }
}
