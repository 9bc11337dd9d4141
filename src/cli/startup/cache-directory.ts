import { isAbsolute, join } from 'node:path';

/**
 * ax's folder in the user's cache folder: `$XDG_CACHE_HOME` (else `$HOME/.cache`), `$HOME/Library/Caches` on macOS,
 * `%LOCALAPPDATA%` on Windows. Undefined when there is none (no `HOME`, a relative path). `HOME` rather than
 * os.homedir(), which looks `HOME` up first too: node:os is not loaded for this alone.
 */
export function userCacheDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  const base = platform === 'win32' ? env.LOCALAPPDATA
    : platform === 'darwin' ? env.HOME && join(env.HOME, 'Library', 'Caches')
    : env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : env.HOME && join(env.HOME, '.cache');
  return base && isAbsolute(base) ? join(base, 'ax-admin-plane') : undefined;
}
