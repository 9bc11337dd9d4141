import { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { CliError, FileError, UsageError } from '../errors/cli-error.js';
import { EXIT } from '../errors/exit-codes.js';
import { withForce, withOutput } from '../options/common.js';
import { integerIn } from '../options/values.js';
import { OUTPUT_FORMATS } from '../output/format.js';
import { expandReferences, hasReference } from '../profiles/expand.js';
import { activeProfileName, DEFAULT_PROFILE, PROFILE_NAME, profileFile } from '../../profiles/paths.js';
import { readOAuthTokens } from '../../profiles/oauth-tokens.js';
import { readProfileFile, type ProfileConfig } from '../../profiles/profile-file.js';
import { redactKey, redactToken } from '../profiles/redact.js';
import { DEFAULT_ENDPOINT, endpointRouting, parseEndpoint, routingEndpoint } from '../../profiles/routing.js';
import { authenticatedClient } from '../profiles/credentials.js';
import { resolveSettings } from '../profiles/settings.js';
import { deleteProfile, listProfileNames, profileExists, readProfile, setActiveProfile, writeProfile } from '../../profiles/store.js';
import { askChoice, askSecret, askText } from '../prompts/ask.js';
import { confirmDestructive } from '../prompts/confirm.js';
import { canPrompt } from '../prompts/tty.js';
import { action } from '../action.js';
import { VERSION } from '../version.js';
import { loginProfile } from './auth.js';

interface ProfileFlags {
  apiKey?: string;
  authMethod?: string;
  endpoint?: string;
  region?: string;
  singleHost?: string;
  singlePort?: number;
  outputFormat?: string;
  fromFile?: string;
}

/** Variables that override a profile; `profiles validate` ignores them to test the profile itself. */
const OVERRIDING_ENV = [
  'ARIZE_API_KEY', 'ARIZE_ENDPOINT', 'ARIZE_API_HOST', 'ARIZE_API_SCHEME', 'ARIZE_API_PORT',
  'ARIZE_REGION', 'ARIZE_SINGLE_HOST', 'ARIZE_SINGLE_PORT', 'ARIZE_BASE_DOMAIN',
];

const AUTH_METHODS = ['api-key', 'oauth'] as const;

/** `-v` as every other command takes it (Arize's profiles commands all do): on errors, the full cause. */
function withVerbose(cmd: Command): Command {
  return cmd.option('-v, --verbose', 'on errors, show the full problem, response headers and raw body');
}

function withProfileFields(cmd: Command): Command {
  return withVerbose(cmd)
    .option('--api-key <key>', 'API key, or a reference such as ${ARIZE_API_KEY} (never echoed)')
    .option('--auth-method <method>', `${AUTH_METHODS.join(' or ')}: oauth logs in with the browser (\`ax auth login\`) instead of a key`)
    .option('--endpoint <url>', `server base URL, e.g. ${DEFAULT_ENDPOINT}`)
    .option('--region <region>', "an Arize region (us-east-1b, eu-west-1a, …) instead of --endpoint")
    .option('--single-host <host>', 'one host for every Arize plane instead of --endpoint')
    .option('--single-port <port>', 'port for --single-host', integerIn(1, 65_535))
    .option('--output-format <format>', `default -o of commands: ${OUTPUT_FORMATS.join(', ')}`)
    .option('-f, --from-file <file>', 'take the whole profile from this TOML file');
}

export function build(): Command {
  const profiles = new Command('profiles');

  withProfileFields(profiles.command('create').description('Create a profile and make it active'))
    .argument('[name]', `profile name, [A-Za-z0-9_-]+ (default: ${DEFAULT_PROFILE})`)
    .action(action(createProfile, { offline: true }));

  withVerbose(withOutput(profiles.command('show').description('Show a profile (keys redacted)')))
    .argument('[name]', 'profile name (default: the active one)')
    .option('--expand', 'expand ${VAR} references (still redacted)')
    .option('--all', 'also show the file\'s other sections (routing, transport, network, …), secrets redacted')
    .action(action(showProfile, { offline: true }));

  withProfileFields(profiles.command('update').description('Change fields of a profile (only those given)'))
    .argument('[name]', 'profile name (default: the active one)')
    .action(action(updateProfile, { offline: true }));

  withVerbose(profiles.command('use').description('Make a profile the active one'))
    .argument('<name>', 'profile name')
    .action(action(async (ctx, name: string) => {
      requireProfile(name);
      setActiveProfile(name);
      ctx.printer.success(`Profile ${name} is now active`);
    }, { offline: true }));

  withVerbose(withOutput(profiles.command('list').description('List profiles (the active one is marked)')))
    .action(action(async (ctx) => {
      const active = activeProfileName();
      const rows = listProfileNames().map((name) => describe(name, name === active));
      ctx.printer.list({
        response: { profiles: rows },
        items: rows,
        noun: 'profiles',
        columns: [
          { header: 'ACTIVE', value: (p) => (p.active ? '*' : '') },
          { header: 'NAME', value: (p) => p.name },
          { header: 'ENDPOINT', value: (p) => p.endpoint, shrinkable: true },
          { header: 'API KEY', value: (p) => (p.auth_method === 'oauth' ? `(browser login: ${p.user_email})` : p.api_key) },
        ],
      });
    }, { offline: true }));

  withVerbose(withForce(profiles.command('delete').description('Delete a profile (not the active one)')))
    .argument('<name>', 'profile name')
    .action(action(async (ctx, name: string) => {
      requireProfile(name);
      if (name === activeProfileName()) {
        throw new CliError(`profile ${name} is the active one`, { suggestion: 'Make another one active first: `ax profiles use NAME`.' });
      }
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `delete profile ${name}`,
        declined: `Profile ${name} not deleted.`,
        consequences: async () => [`removes ${profileFile(name)} and the key stored in it (the key itself stays valid on the server)`],
      });
      if (!proceed) return;
      fileOp(`delete ${profileFile(name)}`, () => deleteProfile(name));
      ctx.printer.success(`Deleted profile ${name}`);
    }, { offline: true }));

  withVerbose(profiles.command('validate').description('Check that the server answers and the profile\'s key works'))
    .argument('[name]', 'profile name (default: the active one)')
    .action(action(async (ctx, name: string | undefined) => {
      const profileName = name ?? activeProfileName();
      requireProfile(profileName);
      const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !OVERRIDING_ENV.includes(key)));
      const settings = await resolveSettings({ profile: profileName }, env);
      if (!settings.apiKey && settings.authMethod === 'api-key') throw new CliError(`profile ${profileName} has no API key`, { exitCode: EXIT.AUTH, suggestion: `Add one: \`ax profiles update ${profileName} --api-key KEY\`.` });
      const me = await authenticatedClient(settings, env, `ax-cli/${VERSION}`).access.me();
      const who = typeof me.email === 'string' ? me.email : typeof me.name === 'string' ? me.name : me.id;
      const credential = settings.apiKey ? 'the key' : 'the login';
      ctx.printer.success(`Profile ${profileName} works: ${settings.endpoint} answers and ${credential} authenticates as ${who}`);
    }, { offline: true }));

  return profiles;
}

async function createProfile(ctx: CommandContext, nameArg: string | undefined): Promise<void> {
  const flags = ctx.opts<ProfileFlags>();
  const interactive = canPrompt();
  const name = nameArg ?? (interactive ? await askText('Profile name:', { default: DEFAULT_PROFILE, validate: nameValidator }) : DEFAULT_PROFILE);
  checkName(name);
  if (profileExists(name)) {
    throw new CliError(`profile ${name} already exists`, { suggestion: `Change it with \`ax profiles update ${name}\`, or pick another name.` });
  }
  let config: ProfileConfig;
  if (flags.fromFile !== undefined) {
    config = fromFile(flags);
  } else {
    config = applyFields({}, flags);
    if (config.auth?.auth_method !== 'oauth' && config.auth?.api_key === undefined) {
      if (!interactive) throw new UsageError('missing --api-key', 'Pass --api-key KEY, or --api-key \'${ARIZE_API_KEY}\' to read it from the environment.');
      config.auth = { api_key: await askKey(ctx) };
    }
    if (config.routing === undefined) {
      const endpoint = interactive
        ? await askText('Server URL:', { default: DEFAULT_ENDPOINT, validate: (v) => tryEndpoint(v) })
        : DEFAULT_ENDPOINT;
      config.routing = endpointRouting(endpoint);
    }
  }
  const file = fileOp(`write ${profileFile(name)}`, () => writeProfile(name, config));
  fileOp('write .active_profile', () => setActiveProfile(name));
  ctx.printer.success(`Created profile ${name} (${file}) and made it active`);
  if (config.auth?.auth_method === 'oauth') {
    await loginProfile(ctx, await resolveSettings({ profile: name }, ctx.env), { noBrowser: false, timeoutSeconds: 300 });
  }
}

async function updateProfile(ctx: CommandContext, nameArg: string | undefined): Promise<void> {
  const flags = ctx.opts<ProfileFlags>();
  const name = nameArg ?? activeProfileName();
  requireProfile(name);
  const fields = ['apiKey', 'authMethod', 'endpoint', 'region', 'singleHost', 'singlePort', 'outputFormat', 'fromFile'] as const;
  if (!fields.some((field) => flags[field] !== undefined)) {
    throw new UsageError('nothing to update', 'Pass --api-key, --auth-method, --endpoint, --region, --single-host/--single-port, --output-format or --from-file.');
  }
  const config = flags.fromFile !== undefined ? fromFile(flags) : applyFields(loadProfile(name), flags);
  fileOp(`write ${profileFile(name)}`, () => writeProfile(name, config));
  ctx.printer.success(`Updated profile ${name}`);
}

async function showProfile(ctx: CommandContext, nameArg: string | undefined): Promise<void> {
  const name = nameArg ?? activeProfileName();
  requireProfile(name);
  const { expand, all } = ctx.opts<{ expand?: boolean; all?: boolean }>();
  const shown = describe(name, name === activeProfileName(), expand ?? false, all ?? false);
  ctx.printer.object(shown);
  const overrides = OVERRIDING_ENV.filter((key) => process.env[key]);
  if (overrides.length > 0) ctx.printer.warn(`${overrides.join(', ')} set in the environment override${overrides.length === 1 ? 's' : ''} this profile.`);
}

/** A profile as `show` and `list` print it: never a whole key or token. */
interface ProfileView {
  name: string;
  active: boolean;
  file: string;
  endpoint: string;
  auth_method: string;
  api_key: string;
  /** Only for `auth_method = "oauth"`: the login, tokens redacted like keys. */
  user_email?: string;
  expires_at?: string;
  access_token?: string;
  refresh_token?: string;
  output_format: string;
  /** Only with `show --all`: every other section of the file, as written but for secrets. */
  sections?: Record<string, Record<string, unknown>>;
}

function describe(name: string, active: boolean, expand = false, all = false): ProfileView {
  const file = profileFile(name);
  let config: ProfileConfig = {};
  let endpoint: string;
  try {
    config = readProfileFile(file);
    endpoint = routingEndpoint(config.routing) ?? `${DEFAULT_ENDPOINT} (default)`;
  } catch (error) {
    endpoint = `(invalid: ${(error as Error).message})`;
  }
  const raw = config.auth?.api_key;
  let apiKey = '(none)';
  if (raw !== undefined) {
    if (!hasReference(raw)) apiKey = redactKey(raw);
    else if (!expand) apiKey = raw;
    else {
      try {
        apiKey = `${raw} → ${redactKey(expandReferences(raw, process.env))}`;
      } catch (error) {
        apiKey = `${raw} (${(error as Error).message})`;
      }
    }
  }
  const method = config.auth?.auth_method ?? 'api-key';
  const view: ProfileView = { name, active, file, endpoint, auth_method: method, api_key: apiKey, output_format: config.output?.format ?? 'table' };
  if (method === 'oauth') {
    const tokens = readOAuthTokens(config);
    view.user_email = tokens?.userEmail ?? '(not logged in)';
    view.expires_at = tokens ? new Date(tokens.expiresAt).toISOString() : '(none)';
    view.access_token = tokens ? redactToken(tokens.accessToken) : '(none)';
    view.refresh_token = tokens?.refreshToken ? redactToken(tokens.refreshToken) : '(none)';
  }
  if (all) view.sections = otherSections(config);
  return view;
}

/** The sections `describe` does not show field by field (all but profile, auth and output), secrets redacted. */
function otherSections(config: ProfileConfig): Record<string, Record<string, unknown>> {
  const sections: Record<string, Record<string, unknown>> = {};
  for (const [section, fields] of Object.entries(config)) {
    if (['profile', 'auth', 'output'].includes(section) || typeof fields !== 'object' || fields === null) continue;
    sections[section] = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, redactSetting(key, value)]));
  }
  return sections;
}

/** A key-, token-, secret- or password-named value as a token is redacted; a URL's user and password as `***`. */
function redactSetting(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (/key|token|secret|password/i.test(key)) return redactToken(value);
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}

/** Applies the given flags to a profile; routing flags replace the whole `[routing]` section. */
function applyFields(base: ProfileConfig, flags: ProfileFlags): ProfileConfig {
  const config: ProfileConfig = { ...base };
  if (flags.authMethod !== undefined) {
    if (!(AUTH_METHODS as readonly string[]).includes(flags.authMethod)) throw new UsageError(`--auth-method must be one of ${AUTH_METHODS.join(', ')}`);
    if (flags.authMethod === 'oauth' && flags.apiKey !== undefined) throw new UsageError('--api-key and --auth-method oauth exclude each other');
    config.auth = { ...config.auth, auth_method: flags.authMethod };
  }
  if (flags.apiKey !== undefined) config.auth = { ...config.auth, api_key: flags.apiKey };
  const routingFlags = [flags.endpoint, flags.region, flags.singleHost].filter((v) => v !== undefined);
  if (routingFlags.length > 1) throw new UsageError('--endpoint, --region and --single-host exclude each other');
  if (flags.singlePort !== undefined && flags.singleHost === undefined) throw new UsageError('--single-port needs --single-host');
  if (flags.endpoint !== undefined) {
    const valid = tryEndpoint(flags.endpoint);
    if (valid !== true) throw new UsageError(`--endpoint: ${valid}`);
    config.routing = endpointRouting(flags.endpoint);
  } else if (flags.region !== undefined) {
    config.routing = { region: flags.region };
  } else if (flags.singleHost !== undefined) {
    config.routing = { single_host: flags.singleHost, ...(flags.singlePort === undefined ? {} : { single_port: flags.singlePort }) };
  }
  if (flags.outputFormat !== undefined) {
    const format = flags.outputFormat.toLowerCase();
    if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--output-format must be one of ${OUTPUT_FORMATS.join(', ')}`);
    config.output = { ...config.output, format };
  }
  return config;
}

function fromFile(flags: ProfileFlags): ProfileConfig {
  const others = (['apiKey', 'authMethod', 'endpoint', 'region', 'singleHost', 'singlePort', 'outputFormat'] as const).filter((f) => flags[f] !== undefined);
  if (others.length > 0) throw new UsageError('--from-file replaces the whole profile; do not combine it with other fields');
  const file = flags.fromFile!;
  let config: ProfileConfig;
  try {
    config = readProfileFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new FileError(`could not read ${file}: ${(error as Error).message}`);
    throw new CliError((error as Error).message);
  }
  try {
    routingEndpoint(config.routing);
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`);
  }
  return config;
}

async function askKey(ctx: CommandContext): Promise<string> {
  if (ctx.env.ARIZE_API_KEY) {
    const choice = await askChoice('ARIZE_API_KEY is set. Store in the profile:', [
      { value: 'reference', name: 'a reference, ${ARIZE_API_KEY} (read at each run)' },
      { value: 'other', name: 'another key, typed now' },
    ], 'reference');
    if (choice === 'reference') return '${ARIZE_API_KEY}';
  }
  const key = await askSecret('API key:');
  if (key.trim() === '') throw new UsageError('an API key is required');
  return key.trim();
}

function loadProfile(name: string): ProfileConfig {
  try {
    return readProfile(name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new FileError(`could not read ${profileFile(name)}: ${(error as Error).message}`);
    throw new CliError((error as Error).message, { suggestion: `Replace it: \`ax profiles update ${name} --from-file FILE\`, or fix the TOML by hand.` });
  }
}

function requireProfile(name: string): void {
  checkName(name);
  if (!profileExists(name)) {
    throw new CliError(`no profile named "${name}"`, { suggestion: 'List profiles with `ax profiles list`, or create one with `ax profiles create NAME --api-key KEY`.' });
  }
}

function checkName(name: string): void {
  const valid = nameValidator(name);
  if (valid !== true) throw new UsageError(valid);
}

function nameValidator(name: string): true | string {
  return PROFILE_NAME.test(name) || `profile names use only letters, digits, - and _ (got "${name}")`;
}

function tryEndpoint(value: string): true | string {
  try {
    parseEndpoint(value);
    return true;
  } catch (error) {
    return (error as Error).message;
  }
}

function fileOp<T>(what: string, op: () => T): T {
  try {
    return op();
  } catch (error) {
    throw new FileError(`could not ${what}: ${(error as Error).message}`);
  }
}
