import { createInterface } from 'node:readline/promises';
import { withOAuthTokens, type OAuthTokens } from '../../profiles/oauth-tokens.js';
import { CliError } from '../errors/cli-error.js';
import { EXIT } from '../errors/exit-codes.js';
import type { Printer } from '../output/printer.js';
import { canPrompt } from '../prompts/tty.js';
import { browserUnavailable, openBrowser } from './browser.js';
import { authorizeUrl, createLoginSecrets, redirectUri } from './login-request.js';
import { callbackAnswer, LoopbackListener, refusal, type CallbackAnswer } from './loopback.js';
import { exchangeCode } from './oauth-endpoints.js';
import type { ProfileTokenStore } from './token-store.js';

export interface LoginOptions {
  /** Print the URL instead of opening a browser (and offer to paste the redirected address). */
  noBrowser: boolean;
  timeoutSeconds: number;
}

const PASTE_PROMPT = 'Paste the URL your browser was sent to: ';

/**
 * `ax auth login` (identity.md §7.1): a loopback listener, the browser (or the printed URL and a paste prompt —
 * whichever answers first wins), the state check, the code exchanged with the PKCE verifier, and the tokens written to
 * the profile under its lock. Returns the tokens.
 */
export async function logIn(store: ProfileTokenStore, app: string, options: LoginOptions, io: { printer: Printer; env: NodeJS.ProcessEnv }): Promise<OAuthTokens> {
  const secrets = createLoginSecrets();
  const listener = await LoopbackListener.start(app, secrets.state);
  const url = authorizeUrl(app, listener.port, secrets);
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(`no answer from the browser within ${options.timeoutSeconds} s`, {
      suggestion: 'Run `ax auth login` again (add --no-browser to paste the address by hand).',
    })), options.timeoutSeconds * 1000);
  });
  let pasted: Promise<CallbackAnswer> | undefined;
  const manual = (): Promise<CallbackAnswer> => {
    io.printer.info(`Open this URL in a browser to log in:\n\n  ${url}\n`);
    if (!canPrompt()) return new Promise<never>(() => undefined);
    pasted ??= askForRedirect(io.printer, abort.signal);
    return pasted;
  };
  try {
    let answer: CallbackAnswer;
    if (options.noBrowser || browserUnavailable(io.env)) {
      answer = await Promise.race([listener.answer, manual(), timeout]);
    } else {
      io.printer.info(`Opening the browser to log in to ${app} (if none opens, run \`ax auth login --no-browser\`) …`);
      const fallback = openBrowser(url, io.env).then((failure) => {
        if (failure === undefined) return new Promise<never>(() => undefined);
        io.printer.warn(failure);
        return manual();
      });
      answer = await Promise.race([listener.answer, fallback, timeout]);
    }
    if (answer.state !== secrets.state) throw new CliError('the browser answer did not match this login; try again', { exitCode: EXIT.AUTH });
    const reason = refusal(answer, secrets.state);
    if (reason !== undefined) {
      throw new CliError(answer.error === 'access_denied' ? `the login was denied in the browser (${reason})` : `the login failed: ${reason}`, {
        exitCode: EXIT.AUTH,
        suggestion: 'Run `ax auth login` again and approve it in the browser.',
      });
    }
    const tokens = await exchangeCode(app, answer.code!, redirectUri(listener.port), secrets.verifier);
    await store.locked(async () => store.write(withOAuthTokens(store.read(), tokens)));
    return tokens;
  } finally {
    clearTimeout(timer);
    abort.abort();
    listener.close();
  }
}

/** Asks on the terminal for the address the browser ended on (over SSH its redirect to 127.0.0.1 cannot load). */
async function askForRedirect(printer: Printer, signal: AbortSignal): Promise<CallbackAnswer> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  signal.addEventListener('abort', () => rl.close(), { once: true });
  // readline takes Ctrl-C for itself; send it on, so the command ends as everywhere else (exit 130).
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  try {
    for (;;) {
      const line = (await rl.question(PASTE_PROMPT, { signal })).trim();
      try {
        const answer = callbackAnswer(new URL(line).searchParams);
        if (answer.state !== undefined) return answer;
      } catch {
        // not a URL: ask again
      }
      printer.warn('Paste the whole address from the browser\'s address bar (http://127.0.0.1:…/callback?code=…&state=…).');
    }
  } catch (error) {
    // The loopback answered first, or the time ran out: this prompt is no longer wanted.
    if (signal.aborted) return new Promise<never>(() => undefined);
    throw error;
  } finally {
    rl.close();
  }
}
