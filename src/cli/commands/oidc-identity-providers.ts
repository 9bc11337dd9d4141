import { Command } from 'commander';
import { addEvaluateCommand, addMappingCommands, addProviderCommands, type Spelling } from './sso/commands.js';

/** `ax oidc-identity-providers …`: the noun-verb spelling of `ax sso` for OIDC providers (the same handlers). */
const OIDC: Spelling = { protocol: 'OIDC', providerFlag: '--idp', mappingVerbs: { create: 'create', delete: 'delete' } };

export function build(): Command {
  const providers = new Command('oidc-identity-providers');
  addProviderCommands(providers, OIDC);
  const mappings = providers.command('role-mappings').description("A provider's role mappings: attribute matches → grants, in order");
  addMappingCommands(mappings, OIDC);
  addEvaluateCommand(mappings, OIDC);
  return providers;
}
