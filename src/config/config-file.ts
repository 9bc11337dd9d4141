import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'smol-toml';
import { type Config, ConfigError, type ConfigOverrides, loadConfig } from './config.js';

/** Where the configuration file is looked for when neither `--config` nor AX_CONFIG names one. */
const DEFAULT_FILE = 'ax.toml';

/**
 * The variables loadConfig reads, found by letting it read an empty environment that records what it is asked
 * for: the file accepts exactly these, so a setting added to the loader is accepted in the file with no second list.
 */
function knownVariables(): Set<string> {
  const asked = new Set<string>();
  const recorder = new Proxy({} as NodeJS.ProcessEnv, {
    get(_target, name) {
      if (typeof name === 'string') asked.add(name);
      return undefined;
    },
  });
  loadConfig({}, recorder);
  return asked;
}

/**
 * `data_dir` → AX_DATA_DIR, `metrics.token` → AX_METRICS_TOKEN; DATABASE_URL and the OpenTelemetry variables
 * (`otel_exporter_otlp_endpoint`) keep their conventional names.
 */
function variableName(path: readonly string[]): string {
  const name = path.join('_').toUpperCase();
  return name === 'DATABASE_URL' || name.startsWith('OTEL_') ? name : `AX_${name}`;
}

/**
 * An `ax.toml`, as the variables it stands for. Keys are the variable names in lower case without `AX_`
 * (`public_url`, `log_level`), at the top level or one table deep (`[metrics] token = …` is AX_METRICS_TOKEN); values
 * are strings, numbers, booleans or arrays of strings (comma-separated lists). Anything else is refused, naming the key.
 */
function readConfigFile(file: string): Record<string, string> {
  let table: Record<string, unknown>;
  try {
    table = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`the configuration file ${file} cannot be read: ${(error as Error).message}`);
  }
  const known = knownVariables();
  const variables: Record<string, string> = {};
  const visit = (entries: Record<string, unknown>, path: string[]) => {
    for (const [key, value] of Object.entries(entries)) {
      const at = [...path, key];
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && path.length === 0) {
        visit(value as Record<string, unknown>, at);
        continue;
      }
      const name = variableName(at);
      if (!known.has(name)) throw new ConfigError(`the configuration file ${file} has an unknown setting ${at.join('.')} (it would be ${name})`);
      variables[name] = settingText(file, at.join('.'), value);
    }
  };
  visit(table, []);
  return variables;
}

function settingText(file: string, key: string, value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(',');
  throw new ConfigError(`the configuration file ${file} sets ${key} to a value of the wrong kind: a string, number, boolean or list of strings is expected`);
}

/** Which file was read, if any. */
export interface ConfigSources {
  file: string | undefined;
}

/**
 * The configuration from flags, then the environment, then the configuration file, then defaults: `--config FILE`,
 * else AX_CONFIG, else `ax.toml` in the working directory if there is one. Empty variables count as unset, so they
 * do not hide the file's value.
 */
export function loadConfiguration(overrides: ConfigOverrides & { configFile?: string | undefined }, env: NodeJS.ProcessEnv): { config: Config; sources: ConfigSources } {
  const named = overrides.configFile ?? (env.AX_CONFIG || undefined);
  if (named !== undefined && !existsSync(named)) throw new ConfigError(`the configuration file ${named} does not exist (${overrides.configFile ? '--config' : 'AX_CONFIG'})`);
  const file = named ?? (existsSync(DEFAULT_FILE) ? DEFAULT_FILE : undefined);
  if (file === undefined) return { config: loadConfig(overrides, env), sources: { file: undefined } };
  const merged: NodeJS.ProcessEnv = { ...readConfigFile(file) };
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value !== '') merged[name] = value;
  return { config: loadConfig(overrides, merged), sources: { file: resolve(file) } };
}
