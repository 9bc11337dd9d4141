import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * ax's folder in the user's cache folder: `$XDG_CACHE_HOME` (else `~/.cache`), `~/Library/Caches` on macOS,
 * `%LOCALAPPDATA%` on Windows. Undefined when there is none (no home folder, a relative path).
 */
export function userCacheDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, home = homeDirectory): string | undefined {
  const under = (...path: string[]) => {
    const folder = home();
    return folder && join(folder, ...path);
  };
  const base = platform === 'win32' ? env.LOCALAPPDATA
    : platform === 'darwin' ? under('Library', 'Caches')
    : env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : under('.cache');
  return base && isAbsolute(base) ? join(base, 'ax-admin-plane') : undefined;
}

/** os.homedir() throws when the user has neither `HOME` nor an entry in the password database. */
function homeDirectory(): string | undefined {
  try {
    return homedir() || undefined;
  } catch {
    return undefined;
  }
}
