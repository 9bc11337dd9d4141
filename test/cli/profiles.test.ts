import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeBootstrapProfile } from '../../src/profiles/bootstrap-profile.js';
import { expandReferences } from '../../src/cli/profiles/expand.js';
import { activeProfileName, profileFile } from '../../src/profiles/paths.js';
import { readProfileFile } from '../../src/profiles/profile-file.js';
import { redactKey, redactToken } from '../../src/cli/profiles/redact.js';
import { authMethod, readOAuthTokens, withOAuthTokens, withoutOAuthTokens } from '../../src/profiles/oauth-tokens.js';
import { endpointRouting, routingAppEndpoint, routingEndpoint } from '../../src/profiles/routing.js';
import { resolveSettings } from '../../src/cli/profiles/settings.js';
import { deleteProfile, listProfileNames, readProfile, setActiveProfile, writeProfile } from '../../src/profiles/store.js';
import { testTempDir } from '../helpers/temp-dir.js';

let env: NodeJS.ProcessEnv;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ax-profiles-'));
  env = { ARIZE_DIRECTORY: dir };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

describe('profile files', () => {
  it('follow Arize\'s layout: config.toml is default, others in profiles/NAME.toml, the active one in .active_profile', () => {
    writeProfile('default', { auth: { api_key: 'ak-one' } }, env);
    writeProfile('staging', { auth: { api_key: 'ak-two' } }, env);
    expect(profileFile('default', env)).toBe(join(dir, 'config.toml'));
    expect(profileFile('staging', env)).toBe(join(dir, 'profiles', 'staging.toml'));
    expect(listProfileNames(env)).toEqual(['default', 'staging']);
    expect(activeProfileName(env)).toBe('default');
    setActiveProfile('staging', env);
    expect(readFileSync(join(dir, '.active_profile'), 'utf8').trim()).toBe('staging');
    expect(activeProfileName(env)).toBe('staging');
    deleteProfile('staging', env);
    expect(listProfileNames(env)).toEqual(['default']);
  });

  it('are written with mode 0600 in a 0700 folder, as TOML Arize\'s CLI reads', () => {
    const file = writeProfile('prod', { auth: { api_key: 'ak-secret' }, routing: endpointRouting('https://ax.example.com:8443'), output: { format: 'json' } }, env);
    expect(mode(file)).toBe(0o600);
    expect(mode(join(dir, 'profiles'))).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toBe(
      '[profile]\nname = "prod"\n\n[auth]\napi_key = "ak-secret"\n\n[routing]\napi_host = "ax.example.com"\napi_scheme = "https"\napi_port = 8443\n\n[output]\nformat = "json"\n',
    );
    expect(readProfile('prod', env).routing).toEqual({ api_host: 'ax.example.com', api_scheme: 'https', api_port: 8443 });
  });

  it('keep sections this CLI does not know when rewritten', () => {
    writeFileSync(join(dir, 'config.toml'), '[auth]\napi_key = "ak-x"\n\n[transport]\nstream_max_workers = 8\n');
    const config = readProfile('default', env);
    writeProfile('default', { ...config, output: { format: 'yaml' } }, env);
    expect(readProfile('default', env)).toMatchObject({ transport: { stream_max_workers: 8 }, output: { format: 'yaml' } });
  });

  it('name the file when the TOML is malformed', () => {
    writeFileSync(join(dir, 'config.toml'), '[auth\n');
    expect(() => readProfileFile(join(dir, 'config.toml'))).toThrow(/config\.toml is not valid TOML/);
  });
});

describe('OAuth profiles (ax auth login)', () => {
  const tokens = { accessToken: 'at-secret', refreshToken: 'rt-secret', expiresAt: Date.parse('2026-12-02T10:00:00.250Z'), userEmail: 'jane@example.com' };

  it('keep the tokens where Arize\'s CLI does: [auth] auth_method, [auth.oauth] with expires_at in UTC seconds', () => {
    const file = writeProfile('work', withOAuthTokens({ routing: { single_host: '127.0.0.1', single_port: 8080 } }, tokens), env);
    expect(mode(file)).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(
      '[auth]\nauth_method = "oauth"\n\n[auth.oauth]\naccess_token = "at-secret"\nrefresh_token = "rt-secret"\nexpires_at = "2026-12-02T10:00:00Z"\nuser_email = "jane@example.com"\n',
    );
    const config = readProfile('work', env);
    expect(authMethod(config)).toBe('oauth');
    expect(readOAuthTokens(config)).toEqual({ ...tokens, expiresAt: Date.parse('2026-12-02T10:00:00Z') });
  });

  it('read an expires_at written as a bare TOML datetime, and treat an unreadable one as expired', () => {
    writeFileSync(join(dir, 'config.toml'), '[auth]\nauth_method = "oauth"\n[auth.oauth]\naccess_token = "a"\nexpires_at = 2026-12-02T10:00:00Z\n');
    expect(readOAuthTokens(readProfile('default', env))).toEqual({ accessToken: 'a', refreshToken: undefined, expiresAt: Date.parse('2026-12-02T10:00:00Z'), userEmail: undefined });
    writeFileSync(join(dir, 'config.toml'), '[auth]\nauth_method = "oauth"\n[auth.oauth]\naccess_token = "a"\nexpires_at = "soon"\n');
    expect(readOAuthTokens(readProfile('default', env))?.expiresAt).toBe(0);
  });

  it('forget the tokens on logout but keep auth_method, so `ax auth login` logs the profile in again', () => {
    const cleared = withoutOAuthTokens(withOAuthTokens({ output: { format: 'json' } }, tokens));
    expect(cleared).toEqual({ auth: { auth_method: 'oauth' }, output: { format: 'json' } });
    expect(readOAuthTokens(cleared)).toBeUndefined();
    expect(authMethod({ auth: { api_key: 'ak-x' } })).toBe('api-key');
  });

  it('authenticate with the login unless --api-key or ARIZE_API_KEY says otherwise; a stray api_key is ignored', async () => {
    writeProfile('default', withOAuthTokens({ auth: { api_key: 'ak-stale' } }, tokens), env);
    expect(await resolveSettings({}, env)).toMatchObject({ authMethod: 'oauth', apiKey: undefined, apiKeySource: undefined });
    expect(await resolveSettings({}, { ...env, ARIZE_API_KEY: 'ak-env' })).toMatchObject({ authMethod: 'oauth', apiKey: 'ak-env', apiKeySource: 'env' });
    expect(await resolveSettings({ apiKey: 'ak-flag' }, env)).toMatchObject({ apiKey: 'ak-flag', apiKeySource: 'flag' });
  });

  it('log in at the app URL: Arize\'s app host for region and base_domain, else the API endpoint itself', () => {
    expect(routingAppEndpoint({ region: 'eu-west-1a' }, 'https://api.eu-west-1a.arize.com')).toBe('https://app.eu-west-1a.arize.com');
    expect(routingAppEndpoint({ base_domain: 'corp.example' }, 'https://api.corp.example')).toBe('https://app.corp.example');
    expect(routingAppEndpoint({ single_host: 'ax.local', single_port: 8080 }, 'https://ax.local:8080')).toBe('https://ax.local:8080');
    expect(routingAppEndpoint(undefined, 'http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
  });
});

describe('routing', () => {
  it('turns [routing] into an endpoint by Arize\'s rules', () => {
    expect(routingEndpoint({ api_host: '127.0.0.1', api_scheme: 'http', api_port: 8080 })).toBe('http://127.0.0.1:8080');
    expect(routingEndpoint({ api_host: 'api.example.com' })).toBe('https://api.example.com');
    expect(routingEndpoint({ api_host: 'h', api_port: 0 })).toBe('https://h');
    expect(routingEndpoint({ region: 'eu-west-1a' })).toBe('https://api.eu-west-1a.arize.com');
    expect(routingEndpoint({ single_host: 'arize.internal', single_port: 9443 })).toBe('https://arize.internal:9443');
    expect(routingEndpoint({ base_domain: 'corp.example' })).toBe('https://api.corp.example');
    expect(routingEndpoint({})).toBeUndefined();
    expect(() => routingEndpoint({ region: 'x', single_host: 'y' })).toThrow(/only one of/);
    expect(() => routingEndpoint({ api_host: 'h', api_scheme: 'ftp' })).toThrow(/http or https/);
  });
});

describe('settings precedence: flag > environment > profile > default', () => {
  it('defaults to a local server and no key', async () => {
    const s = await resolveSettings({}, env);
    expect(s).toMatchObject({ endpoint: 'http://127.0.0.1:8080', endpointSource: 'default', apiKey: undefined, profile: undefined });
  });

  it('reads the active profile, expanding ${VAR} references', async () => {
    writeProfile('default', { auth: { api_key: '${MY_KEY}' }, routing: { api_host: 'ax.local', api_scheme: 'http', api_port: 9000 }, output: { format: 'json' } }, env);
    const s = await resolveSettings({}, { ...env, MY_KEY: 'ak-from-var' });
    expect(s).toMatchObject({ endpoint: 'http://ax.local:9000', endpointSource: 'profile', apiKey: 'ak-from-var', apiKeySource: 'profile', outputFormat: 'json' });
  });

  it('lets the environment beat the profile and flags beat both', async () => {
    writeProfile('default', { auth: { api_key: 'ak-profile' }, routing: { api_host: 'ax.local', api_scheme: 'http', api_port: 9000 } }, env);
    const fromEnv = await resolveSettings({}, { ...env, ARIZE_API_KEY: 'ak-env', ARIZE_ENDPOINT: 'http://env.local:1234' });
    expect(fromEnv).toMatchObject({ endpoint: 'http://env.local:1234', apiKey: 'ak-env', apiKeySource: 'env' });
    const fromFlags = await resolveSettings({ endpoint: 'http://flag.local:5', apiKey: 'ak-flag' }, { ...env, ARIZE_API_KEY: 'ak-env', ARIZE_ENDPOINT: 'http://env.local:1234' });
    expect(fromFlags).toMatchObject({ endpoint: 'http://flag.local:5', endpointSource: 'flag', apiKey: 'ak-flag', apiKeySource: 'flag' });
  });

  it('understands the SDKs\' ARIZE_API_HOST / ARIZE_API_SCHEME / ARIZE_API_PORT', async () => {
    expect((await resolveSettings({}, { ...env, ARIZE_API_HOST: '127.0.0.1', ARIZE_API_SCHEME: 'http', ARIZE_API_PORT: '8080' })).endpoint).toBe('http://127.0.0.1:8080');
    expect((await resolveSettings({}, { ...env, ARIZE_API_HOST: 'api.example.com' })).endpoint).toBe('https://api.example.com');
    expect((await resolveSettings({}, { ...env, ARIZE_API_PORT: '9999' })).endpoint).toBe('http://127.0.0.1:9999');
  });

  it('-p picks a profile; a missing one is an error, a broken one names its file', async () => {
    writeProfile('other', { auth: { api_key: 'ak-other' } }, env);
    expect((await resolveSettings({ profile: 'other' }, env)).apiKey).toBe('ak-other');
    await expect(resolveSettings({ profile: 'nope' }, env)).rejects.toThrow('no profile named "nope"');
    writeProfile('default', { auth: { api_key: '${UNSET_VAR}' } }, env);
    await expect(resolveSettings({}, env)).rejects.toThrow(/profile "default": \$\{UNSET_VAR\} is referenced but .* not set/);
  });

  it('refuses an endpoint with a path', async () => {
    await expect(resolveSettings({ endpoint: 'http://h/v2' }, env)).rejects.toThrow(/--endpoint: endpoint must be a server's base URL/);
  });
});

describe('helpers', () => {
  it('expand ${VAR} and ${VAR:default}', () => {
    expect(expandReferences('${A}-${B:dflt}', { A: 'x' })).toBe('x-dflt');
    expect(() => expandReferences('${A}', {})).toThrow(/A is not set/);
  });

  it('redact keys to their prefix and last four characters', () => {
    expect(redactKey('ak-abcdefghijklmnop1234')).toBe('ak-…1234');
    expect(redactKey('secretvalue9876')).toBe('…9876');
    expect(redactKey('short')).toBe('…');
  });

  it('redact OAuth tokens to their last four characters, even when they start like a key prefix', () => {
    expect(redactToken('br_Xy9-abcdefghij-iaT')).toBe('…-iaT');
    expect(redactToken('short')).toBe('…');
  });
});

describe('writeBootstrapProfile', () => {
  it('creates profile default pointing at the server when no profile exists, mode 0600', () => {
    const file = writeBootstrapProfile({ endpoint: new URL('http://127.0.0.1:8080'), apiKey: 'ak-boot', env });
    expect(file).toBe(join(dir, 'config.toml'));
    expect(mode(file!)).toBe(0o600);
    expect(readProfile('default', env)).toMatchObject({ auth: { api_key: 'ak-boot' }, routing: { api_host: '127.0.0.1', api_scheme: 'http', api_port: 8080 } });
  });

  it('leaves existing profiles alone, default or named', () => {
    writeProfile('mine', { auth: { api_key: 'ak-mine' } }, env);
    expect(writeBootstrapProfile({ endpoint: 'http://127.0.0.1:8080', apiKey: 'ak-boot', env })).toBeUndefined();
    const other = { ARIZE_DIRECTORY: testTempDir('ax-profiles-') };
    mkdirSync(other.ARIZE_DIRECTORY, { recursive: true });
    writeFileSync(join(other.ARIZE_DIRECTORY, 'config.toml'), '[auth]\napi_key = "ak-old"\n');
    expect(writeBootstrapProfile({ endpoint: 'http://127.0.0.1:8080', apiKey: 'ak-boot', env: other })).toBeUndefined();
    expect(readProfile('default', other).auth?.api_key).toBe('ak-old');
  });

  it('imports nothing else of the CLI (the server calls it)', () => {
    const source = readFileSync(new URL('../../src/profiles/bootstrap-profile.ts', import.meta.url), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.every((path) => path!.startsWith('node:') || path!.startsWith('./'))).toBe(true);
  });
});
