import { existsSync } from 'node:fs';
import { CliError, UsageError } from '../errors/cli-error.js';
import { EXIT } from '../errors/exit-codes.js';
import { expandReferences } from './expand.js';
import { activeProfileName, profileFile } from '../../profiles/paths.js';
import { authMethod, type AuthMethod } from '../../profiles/oauth-tokens.js';
import type { ProfileConfig } from '../../profiles/profile-file.js';
import { DEFAULT_ENDPOINT, parseEndpoint, routingEndpoint } from '../../profiles/routing.js';

/** Flags that override the environment and the profile for one command. */
export interface ConnectionFlags {
  profile?: string | undefined;
  endpoint?: string | undefined;
  apiKey?: string | undefined;
}

/** Where a setting came from, for `profiles show` and error messages. */
export type SettingSource = 'flag' | 'env' | 'profile' | 'default';

export interface Settings {
  endpoint: string;
  endpointSource: SettingSource;
  apiKey: string | undefined;
  apiKeySource: SettingSource | undefined;
  /**
   * The profile's `[auth] auth_method`. With `oauth` the profile's tokens authenticate, unless a key comes from the
   * flag or the environment (those win, as they win over a profile's key).
   */
  authMethod: AuthMethod;
  /** The profile consulted (the `-p` one or the active one), and whether its file exists. */
  profileName: string;
  profile: ProfileConfig | undefined;
  /** `[output] format` of the profile. */
  outputFormat: string | undefined;
}

/**
 * Resolves endpoint and key with the precedence flag > environment (`ARIZE_API_KEY`, `ARIZE_ENDPOINT`,
 * `ARIZE_API_HOST`, then one of `ARIZE_REGION`, `ARIZE_SINGLE_HOST`/`ARIZE_SINGLE_PORT` and `ARIZE_BASE_DOMAIN`, then
 * `ARIZE_API_SCHEME`/`ARIZE_API_PORT` on the profile's endpoint) > profile > default. The profile file (and the TOML
 * parser) is read only when it exists.
 */
export async function resolveSettings(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const profileName = flags.profile ?? activeProfileName(env);
  const file = profileFile(profileName, env);
  let profile: ProfileConfig | undefined;
  if (existsSync(file)) {
    const { readProfileFile } = await import('../../profiles/profile-file.js');
    profile = configError(() => readProfileFile(file));
  } else if (flags.profile !== undefined) {
    throw new CliError(`no profile named "${flags.profile}"`, { suggestion: 'List profiles with `ax profiles list`, or create one with `ax profiles create NAME --api-key KEY`.' });
  }

  const fromProfile = configError(() => routingEndpoint(profile?.routing));
  let endpoint: string;
  let endpointSource: SettingSource;
  if (flags.endpoint) {
    [endpoint, endpointSource] = [flags.endpoint, 'flag'];
  } else if (env.ARIZE_ENDPOINT) {
    [endpoint, endpointSource] = [env.ARIZE_ENDPOINT, 'env'];
  } else if (env.ARIZE_API_HOST) {
    const scheme = env.ARIZE_API_SCHEME || 'https';
    const port = env.ARIZE_API_PORT && Number(env.ARIZE_API_PORT) !== 0 ? `:${env.ARIZE_API_PORT}` : '';
    [endpoint, endpointSource] = [`${scheme}://${env.ARIZE_API_HOST}${port}`, 'env'];
  } else if (env.ARIZE_REGION || env.ARIZE_SINGLE_HOST || env.ARIZE_BASE_DOMAIN) {
    [endpoint, endpointSource] = [environmentRouting(env), 'env'];
  } else if (env.ARIZE_API_SCHEME || env.ARIZE_API_PORT) {
    const url = new URL(fromProfile ?? DEFAULT_ENDPOINT);
    if (env.ARIZE_API_SCHEME) url.protocol = `${env.ARIZE_API_SCHEME}:`;
    if (env.ARIZE_API_PORT) url.port = Number(env.ARIZE_API_PORT) === 0 ? '' : env.ARIZE_API_PORT;
    [endpoint, endpointSource] = [url.origin, 'env'];
  } else if (fromProfile) {
    [endpoint, endpointSource] = [fromProfile, 'profile'];
  } else {
    [endpoint, endpointSource] = [DEFAULT_ENDPOINT, 'default'];
  }
  try {
    endpoint = parseEndpoint(endpoint).origin;
  } catch (error) {
    const message = (error as Error).message;
    if (endpointSource === 'flag') throw new UsageError(`--endpoint: ${message}`);
    if (endpointSource === 'env') throw new CliError(`environment: ${message}`, { suggestion: 'Fix ARIZE_ENDPOINT, ARIZE_API_HOST/ARIZE_API_SCHEME/ARIZE_API_PORT, ARIZE_REGION, ARIZE_SINGLE_HOST/ARIZE_SINGLE_PORT or ARIZE_BASE_DOMAIN.' });
    configError(() => { throw error; });
  }

  let apiKey: string | undefined;
  let apiKeySource: SettingSource | undefined;
  if (flags.apiKey) [apiKey, apiKeySource] = [flags.apiKey, 'flag'];
  else if (env.ARIZE_API_KEY) [apiKey, apiKeySource] = [env.ARIZE_API_KEY, 'env'];
  else if (authMethod(profile) === 'api-key' && profile?.auth?.api_key) {
    const raw = profile.auth.api_key;
    [apiKey, apiKeySource] = [configError(() => expandReferences(raw, env)), 'profile'];
  }
  return { endpoint, endpointSource, apiKey, apiKeySource, authMethod: authMethod(profile), profileName, profile, outputFormat: profile?.output?.format };

  function configError<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`profile "${profileName}": ${(error as Error).message}`, {
        exitCode: EXIT.GENERAL,
        suggestion: `Fix it with \`ax profiles update ${profileName}\` (file: ${file}).`,
      });
    }
  }
}

/**
 * The endpoint the SDKs' routing variables name, by the rules of a profile's `[routing]` (`ARIZE_API_SCHEME` is its
 * `api_scheme`); as there, at most one of region, single host and base domain.
 */
function environmentRouting(env: NodeJS.ProcessEnv): string {
  const named = (['ARIZE_REGION', 'ARIZE_SINGLE_HOST', 'ARIZE_BASE_DOMAIN'] as const).filter((name) => env[name]);
  const problem = (message: string) => new CliError(`environment: ${message}`, { exitCode: EXIT.GENERAL, suggestion: `Check ${[...named, 'ARIZE_API_SCHEME'].join(', ')}.` });
  if (named.length > 1) throw problem('ARIZE_REGION, ARIZE_SINGLE_HOST and ARIZE_BASE_DOMAIN exclude each other');
  const routing: NonNullable<ProfileConfig['routing']> = {};
  if (env.ARIZE_REGION) routing.region = env.ARIZE_REGION;
  if (env.ARIZE_SINGLE_HOST) routing.single_host = env.ARIZE_SINGLE_HOST;
  if (env.ARIZE_SINGLE_PORT) routing.single_port = env.ARIZE_SINGLE_PORT;
  if (env.ARIZE_BASE_DOMAIN) routing.base_domain = env.ARIZE_BASE_DOMAIN;
  if (env.ARIZE_API_SCHEME) routing.api_scheme = env.ARIZE_API_SCHEME;
  try {
    return routingEndpoint(routing) ?? DEFAULT_ENDPOINT;
  } catch (error) {
    throw problem((error as Error).message.replace('[routing] api_scheme', 'ARIZE_API_SCHEME'));
  }
}
