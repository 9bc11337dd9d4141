import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { activeProfileFile, DEFAULT_PROFILE, namedProfilesDirectory, PROFILE_NAME, profileDirectory, profileFile } from './paths.js';
import { readProfileFile, writeProfileFile, type ProfileConfig } from './profile-file.js';

/** Names of every stored profile, `default` first when it exists, then alphabetical. */
export function listProfileNames(env: NodeJS.ProcessEnv = process.env): string[] {
  const names: string[] = [];
  if (existsSync(profileFile(DEFAULT_PROFILE, env))) names.push(DEFAULT_PROFILE);
  let files: string[] = [];
  try {
    files = readdirSync(namedProfilesDirectory(env));
  } catch {
    files = [];
  }
  for (const file of files.sort()) {
    const name = file.endsWith('.toml') ? file.slice(0, -5) : '';
    if (name && name !== DEFAULT_PROFILE && PROFILE_NAME.test(name)) names.push(name);
  }
  return names;
}

export function profileExists(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync(profileFile(name, env));
}

export function readProfile(name: string, env: NodeJS.ProcessEnv = process.env): ProfileConfig {
  return readProfileFile(profileFile(name, env));
}

/** Writes a profile (mode 0600); `[profile] name` always matches the file. */
export function writeProfile(name: string, config: ProfileConfig, env: NodeJS.ProcessEnv = process.env): string {
  const file = profileFile(name, env);
  const { profile, ...sections } = config;
  writeProfileFile(file, { profile: { ...profile, name }, ...sections });
  return file;
}

export function deleteProfile(name: string, env: NodeJS.ProcessEnv = process.env): void {
  rmSync(profileFile(name, env));
}

/** Makes a profile the active one (`.active_profile`, mode 0600). */
export function setActiveProfile(name: string, env: NodeJS.ProcessEnv = process.env): void {
  mkdirSync(profileDirectory(env), { recursive: true, mode: 0o700 });
  writeFileSync(activeProfileFile(env), `${name}\n`, { mode: 0o600 });
}
