import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The profile folder: `ARIZE_DIRECTORY`, else `~/.arize` (Arize's CLI layout). */
export function profileDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.ARIZE_DIRECTORY || join(homedir(), '.arize');
}

/**
 * Creates profile `default` (`config.toml`) pointing at a freshly bootstrapped server, but only when no profile
 * exists yet, so that `npx ax users list` works at once. Kept free of CLI imports: the server calls it.
 */
export function writeBootstrapProfile(options: { endpoint: URL; apiKey: string; env?: NodeJS.ProcessEnv }): string | undefined {
  const dir = profileDirectory(options.env);
  const file = join(dir, 'config.toml');
  const profilesDir = join(dir, 'profiles');
  const hasProfiles = existsSync(profilesDir) && readdirSync(profilesDir).some((f) => f.endsWith('.toml'));
  if (existsSync(file) || hasProfiles) return undefined;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { hostname, protocol, port } = options.endpoint;
  const scheme = protocol.replace(':', '');
  const toml = [
    '[profile]', 'name = "default"', '',
    '[auth]', `api_key = ${JSON.stringify(options.apiKey)}`, '',
    '[routing]', `api_host = ${JSON.stringify(hostname.replace(/^\[|\]$/g, ''))}`, `api_scheme = ${JSON.stringify(scheme)}`,
    ...(port ? [`api_port = ${Number(port)}`] : []), '',
    '[output]', 'format = "table"', '',
  ].join('\n');
  writeFileSync(file, toml, { mode: 0o600 });
  return file;
}
