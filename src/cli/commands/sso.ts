import { Command } from 'commander';
import { addEvaluateCommand, addExplainCommand, addMappingCommands, addProviderCommands, addSpInfoCommand, type Spelling } from './sso/commands.js';
import { addScimTokenCommands } from './sso/scim-tokens.js';

/** `ax sso …` (identity.md §7.2): both protocols in one tree; a provider is a name (looked up in both lists) or an id. */
const SSO: Spelling = { protocol: undefined, providerFlag: '--provider', mappingVerbs: { create: 'add', delete: 'remove' } };

export function build(): Command {
  const sso = new Command('sso');
  const providers = sso.command('providers').description('SAML and OIDC identity providers: list, get, create, update, delete');
  addProviderCommands(providers, SSO);
  const mappings = sso.command('role-mappings').description("A provider's role mappings: attribute matches → grants, in order");
  addMappingCommands(mappings, SSO);
  addEvaluateCommand(sso, SSO);
  addExplainCommand(sso, SSO);
  addSpInfoCommand(sso);
  addScimTokenCommands(sso.command('scim-tokens').description("SCIM tokens: what a provider's directory (Okta, Entra ID) provisions users with"));
  return sso;
}
