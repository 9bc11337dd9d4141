import { existsSync } from 'node:fs';
import { DEFAULT_PROFILE, profileFile } from './paths.js';
import { endpointRouting } from './routing.js';
import { listProfileNames, setActiveProfile, writeProfile } from './store.js';

/**
 * Creates profile `default` (`config.toml`) pointing at a freshly bootstrapped server, but only when no profile
 * exists yet, so that `npx ax users list` works at once. Returns the file written, or undefined when a profile
 * already existed. Imports nothing else of the CLI: the server calls it.
 *
 * @example
 * writeBootstrapProfile({ endpoint: new URL('http://127.0.0.1:8080'), apiKey: adminKey });
 */
export function writeBootstrapProfile(options: { endpoint: URL | string; apiKey: string; env?: NodeJS.ProcessEnv }): string | undefined {
  const env = options.env ?? process.env;
  if (existsSync(profileFile(DEFAULT_PROFILE, env)) || listProfileNames(env).length > 0) return undefined;
  const file = writeProfile(
    DEFAULT_PROFILE,
    { auth: { api_key: options.apiKey }, routing: endpointRouting(String(options.endpoint)), output: { format: 'table' } },
    env,
  );
  setActiveProfile(DEFAULT_PROFILE, env);
  return file;
}
