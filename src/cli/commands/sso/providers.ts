import type { AxClient } from '../../../client/client.js';
import type { OidcIdentityProvidersResource, SamlIdentityProvidersResource } from '../../../client/index.js';
import type { OidcIdentityProviderSummary, RoleMapping, SamlIdentityProviderSummary } from '../../../client/types.js';
import { CliError, UsageError } from '../../errors/cli-error.js';
import { EXIT } from '../../errors/exit-codes.js';
import { ambiguousName, nameNotFound } from '../../resolve/errors.js';
import { idType } from '../../resolve/id.js';

export const PROTOCOLS = ['SAML', 'OIDC'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** What differs between the two protocols, for the commands: the resource, its id type and its noun-verb command. */
export const PROTOCOL_INFO: Readonly<Record<Protocol, { idType: string; noun: string; listKey: string }>> = {
  SAML: { idType: 'SamlIdentityProvider', noun: 'saml-identity-providers', listKey: 'saml_identity_providers' },
  OIDC: { idType: 'OidcIdentityProvider', noun: 'oidc-identity-providers', listKey: 'oidc_identity_providers' },
};

export function resourceFor(client: AxClient, protocol: Protocol): SamlIdentityProvidersResource | OidcIdentityProvidersResource {
  return protocol === 'SAML' ? client.samlIdentityProviders : client.oidcIdentityProviders;
}

/** A provider found by name or id, with its protocol (ids say theirs; names are looked up in one list or both). */
export interface FoundProvider {
  protocol: Protocol;
  id: string;
  name: string;
}

type Summary = SamlIdentityProviderSummary | OidcIdentityProviderSummary;

/**
 * PROVIDER / IDP: an id (its type names the protocol) or a name. Without `protocol` a name is looked up in both
 * lists, and a name a SAML and an OIDC provider share is ambiguous (identity.md §7.2).
 */
export async function resolveProvider(client: AxClient, input: string, protocol?: Protocol): Promise<FoundProvider> {
  const type = idType(input);
  if (type !== undefined) {
    const typed = PROTOCOLS.find((p) => PROTOCOL_INFO[p].idType === type);
    if (typed === undefined) {
      throw new UsageError(`${input} is a ${type} id, not an identity provider's`, 'List providers with `ax sso providers list`.');
    }
    // On a protocol's own command, a foreign-typed id goes to that protocol's path: the server names the mismatch (400 INVALID_ID).
    const provider = await resourceFor(client, protocol ?? typed).get(input);
    return { protocol: protocol ?? typed, id: provider.id, name: provider.name };
  }
  const protocols = protocol === undefined ? PROTOCOLS : [protocol];
  const matches: FoundProvider[] = [];
  const seen: string[] = [];
  for (const p of protocols) {
    for await (const provider of resourceFor(client, p).iterate() as AsyncGenerator<Summary, void, undefined>) {
      seen.push(provider.name);
      if (provider.name === input) matches.push({ protocol: p, id: provider.id, name: provider.name });
    }
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw ambiguousName('identity provider', input, matches.map((m) => ({ id: m.id, where: m.protocol })));
  const list = protocol === undefined ? 'ax sso providers list' : `ax ${PROTOCOL_INFO[protocol].noun} list`;
  throw nameNotFound(`${protocol ?? ''} identity provider named`.trimStart(), input, seen, list);
}

/**
 * MAPPING_ID: a role mapping's id, or its position (`3`) in the provider's configuration order, as the tables show it.
 */
export async function resolveMapping(client: AxClient, provider: FoundProvider, input: string): Promise<RoleMapping> {
  const resource = resourceFor(client, provider.protocol);
  if (idType(input) !== undefined) return resource.getRoleMapping(provider.id, input);
  if (!/^#?\d+$/.test(input)) {
    throw new UsageError(`"${input}" is neither a role mapping id nor a position`, `List the mappings with \`ax sso role-mappings list --provider ${JSON.stringify(provider.name)}\`.`);
  }
  const position = Number(input.replace('#', ''));
  for await (const mapping of resource.iterateRoleMappings(provider.id)) {
    if (mapping.position === position) return mapping;
  }
  throw new CliError(`provider ${provider.name} has no role mapping at position ${position}`, {
    exitCode: EXIT.API,
    suggestion: `List the mappings with \`ax sso role-mappings list --provider ${JSON.stringify(provider.name)}\`.`,
  });
}
