import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Arize's layout: `config.toml` is profile `default`, others live in `profiles/NAME.toml`. */
export const DEFAULT_PROFILE = 'default';

/** Profile names Arize's CLI accepts. */
export const PROFILE_NAME = /^[A-Za-z0-9_-]+$/;

/** The profile folder: `ARIZE_DIRECTORY`, else `~/.arize`. */
export function profileDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.ARIZE_DIRECTORY || join(homedir(), '.arize');
}

export function namedProfilesDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return join(profileDirectory(env), 'profiles');
}

/** The TOML file of a profile. */
export function profileFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return name === DEFAULT_PROFILE ? join(profileDirectory(env), 'config.toml') : join(namedProfilesDirectory(env), `${name}.toml`);
}

export function activeProfileFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(profileDirectory(env), '.active_profile');
}

/** The name in `.active_profile`, else `default`. */
export function activeProfileName(env: NodeJS.ProcessEnv = process.env): string {
  try {
    const name = readFileSync(activeProfileFile(env), 'utf8').trim();
    return PROFILE_NAME.test(name) ? name : DEFAULT_PROFILE;
  } catch {
    return DEFAULT_PROFILE;
  }
}
