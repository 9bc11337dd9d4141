import type { Command } from 'commander';
import type { AxClient } from '../client/client.js';
import { parseOutput } from './output/format.js';
import { createPrinter, type Printer } from './output/printer.js';
import { authenticatedClient } from './profiles/credentials.js';
import { resolveSettings, type Settings } from './profiles/settings.js';
import { VERSION } from './version.js';

/** Options shared by most commands (see options/common.ts). */
export interface CommonOptions {
  profile?: string;
  endpoint?: string;
  apiKey?: string;
  verbose?: boolean;
  output?: string;
  limit?: number;
  cursor?: string;
  all?: boolean;
  force?: boolean;
}

/** What a command's action gets: its options, the printer, and (for server commands) settings and a client. */
export class CommandContext {
  private clientInstance: AxClient | undefined;

  constructor(
    readonly command: Command,
    readonly printer: Printer,
    private readonly resolved: Settings | undefined,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  opts<T extends object = CommonOptions>(): T & CommonOptions {
    return this.command.opts() as T & CommonOptions;
  }

  get settings(): Settings {
    if (!this.resolved) throw new Error(`${this.command.name()} was declared offline but needs settings`);
    return this.resolved;
  }

  /**
   * The API client, with `--api-key`/`ARIZE_API_KEY`, else the profile's browser login (`auth_method = "oauth"`,
   * refreshed as it expires), else the profile's key; an error (exit 3) when there is none.
   */
  get client(): AxClient {
    this.clientInstance ??= authenticatedClient(this.settings, this.env, `ax-cli/${VERSION} node/${process.versions.node}`);
    return this.clientInstance;
  }

  /** `--space`, else `ARIZE_SPACE`. */
  space(flag: string | undefined): string | undefined {
    return flag ?? (this.env.ARIZE_SPACE || undefined);
  }
}

/**
 * Builds the context of a command. Offline commands (profiles, completion, auth, serve) do not read the active
 * profile, so they keep working when it is broken.
 */
export async function createContext(command: Command, offline: boolean): Promise<CommandContext> {
  const opts = command.opts() as CommonOptions;
  const env = process.env;
  const settings = offline ? undefined : await resolveSettings({ profile: opts.profile, endpoint: opts.endpoint, apiKey: opts.apiKey }, env);
  const hasOutputFlag = command.options.some((option) => option.long === '--output');
  const target = parseOutput(opts.output, hasOutputFlag ? settings?.outputFormat : undefined);
  const printer = await createPrinter(target, { stdout: process.stdout, stderr: process.stderr, env });
  return new CommandContext(command, printer, settings, env);
}
