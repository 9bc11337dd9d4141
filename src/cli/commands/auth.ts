import { Command } from 'commander';
import { CliError } from '../errors/cli-error.js';
import { action } from '../action.js';

const NOT_YET = 'browser login (OAuth 2 with PKCE) is not available in this server yet';
const USE_KEYS = 'Authenticate with an API key: `ax profiles create --api-key KEY` (or set ARIZE_API_KEY).';

export function build(): Command {
  const auth = new Command('auth');
  for (const [name, description] of [
    ['login', 'Log in through the browser (not available yet)'],
    ['logout', 'Log out and revoke the login tokens (not available yet)'],
    ['status', 'Show the login state (not available yet)'],
  ] as const) {
    auth.command(name).description(description).action(action(async () => {
      throw new CliError(`ax auth ${name}: ${NOT_YET}`, { suggestion: USE_KEYS });
    }, { offline: true }));
  }
  return auth;
}
