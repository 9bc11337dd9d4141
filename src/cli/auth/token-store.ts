import { profileFile } from '../../profiles/paths.js';
import { readProfileFile, type ProfileConfig } from '../../profiles/profile-file.js';
import { writeProfile } from '../../profiles/store.js';
import { CliError, FileError } from '../errors/cli-error.js';

/** How long a command waits for another `ax` holding the profile's lock (identity.md §7.1: at most 30 s). */
const LOCK_WAIT_MS = 30_000;
const LOCK_POLL_MS = 200;

/**
 * The profile file that holds a login's tokens, and its lock `<profile>.toml.lock`. Tokens are read again inside the
 * lock before they are refreshed: another `ax` may have refreshed them meanwhile, and presenting the same refresh
 * token twice would end the login (the server revokes the grant on reuse).
 */
export class ProfileTokenStore {
  readonly file: string;

  constructor(readonly profileName: string, readonly env: NodeJS.ProcessEnv) {
    this.file = profileFile(profileName, env);
  }

  read(): ProfileConfig {
    try {
      return readProfileFile(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== undefined) throw new FileError(`could not read ${this.file}: ${(error as Error).message}`);
      throw new CliError(`profile "${this.profileName}": ${(error as Error).message}`);
    }
  }

  /** Writes atomically (temp file + rename), mode 0600. */
  write(config: ProfileConfig): void {
    try {
      writeProfile(this.profileName, config, this.env);
    } catch (error) {
      throw new FileError(`could not write ${this.file}: ${(error as Error).message}`);
    }
  }

  /** Runs `fn` holding the profile's lock, waiting up to 30 s for another `ax` to release it. */
  async locked<T>(fn: () => Promise<T>): Promise<T> {
    const { lock } = await import('proper-lockfile');
    let release: () => Promise<void>;
    try {
      release = await lock(this.file, {
        lockfilePath: `${this.file}.lock`,
        realpath: false,
        retries: { retries: LOCK_WAIT_MS / LOCK_POLL_MS, factor: 1, minTimeout: LOCK_POLL_MS, maxTimeout: LOCK_POLL_MS },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new CliError(`another ax has held the lock of profile ${this.profileName} for over 30 s`, {
          suggestion: `Try again; if no other ax is running, remove ${this.file}.lock.`,
        });
      }
      throw new FileError(`could not lock ${this.file}: ${(error as Error).message}`);
    }
    try {
      return await fn();
    } finally {
      await release().catch(() => undefined);
    }
  }
}
