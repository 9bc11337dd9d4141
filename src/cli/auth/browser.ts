import { spawn } from 'node:child_process';

/**
 * Whether no browser can be opened here: over SSH without a display, the browser would open (if at all) on the
 * remote machine, and its redirect to 127.0.0.1 could not reach this listener anyway.
 */
export function browserUnavailable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.SSH_CONNECTION) && !env.DISPLAY && !env.WAYLAND_DISPLAY;
}

/**
 * Opens `url` in the browser: the command in `BROWSER` when set (run by the shell with the URL as its argument, as
 * git does, so `BROWSER="firefox --new-window"` works and the URL is never parsed by the shell), otherwise the
 * system's opener (`open`). Resolves with why it failed, or undefined once the opener exited well; a browser command
 * that keeps running leaves it pending.
 */
export async function openBrowser(url: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.BROWSER) {
    const child = spawn('/bin/sh', ['-c', `${env.BROWSER} "$1"`, 'sh', url], { stdio: 'ignore', env });
    child.unref();
    return new Promise((resolve) => {
      child.once('error', (error) => resolve(`could not run BROWSER (${env.BROWSER}): ${error.message}`));
      child.once('exit', (code) => resolve(code === 0 ? undefined : `BROWSER (${env.BROWSER}) exited with code ${code}`));
    });
  }
  try {
    const { default: open } = await import('open');
    const child = await open(url);
    child.unref();
    return new Promise((resolve) => {
      child.once('error', (error) => resolve(`could not open a browser: ${error.message}`));
      child.once('exit', (code) => resolve(code === 0 || code === null ? undefined : `the system's browser opener exited with code ${code}`));
    });
  } catch (error) {
    return `could not open a browser: ${(error as Error).message}`;
  }
}
