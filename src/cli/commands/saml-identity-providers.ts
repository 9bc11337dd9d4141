import { Command } from 'commander';
import { addEvaluateCommand, addMappingCommands, addProviderCommands, type Spelling } from './sso/commands.js';

/** `ax saml-identity-providers …`: the noun-verb spelling of `ax sso` for SAML providers (the same handlers). */
const SAML: Spelling = { protocol: 'SAML', providerFlag: '--idp', mappingVerbs: { create: 'create', delete: 'delete' } };

export function build(): Command {
  const providers = new Command('saml-identity-providers');
  addProviderCommands(providers, SAML);
  const mappings = providers.command('role-mappings').description("A provider's role mappings: attribute matches → grants, in order");
  addMappingCommands(mappings, SAML);
  addEvaluateCommand(mappings, SAML);
  return providers;
}
