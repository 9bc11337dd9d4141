import type { Command } from 'commander';

/** A top-level command, loaded only when it is run (so `ax --help` loads no client, renderer or server code). */
export interface NounEntry {
  name: string;
  description: string;
  load(): Promise<{ build(): Command }>;
}

export const NOUNS: readonly NounEntry[] = [
  { name: 'users', description: 'Invite, list, update and delete account users', load: () => import('./commands/users.js') },
  { name: 'organizations', description: 'Manage organizations and their members', load: () => import('./commands/organizations.js') },
  { name: 'spaces', description: 'Manage spaces and their members', load: () => import('./commands/spaces.js') },
  { name: 'projects', description: 'Manage projects within spaces', load: () => import('./commands/projects.js') },
  { name: 'roles', description: 'Manage custom roles (named permission sets for role bindings)', load: () => import('./commands/roles.js') },
  { name: 'role-bindings', description: 'Grant roles to users on spaces and projects', load: () => import('./commands/role-bindings.js') },
  { name: 'resource-restrictions', description: 'Restrict projects to explicitly bound users', load: () => import('./commands/resource-restrictions.js') },
  { name: 'api-keys', description: 'Create, rotate and revoke user and service keys', load: () => import('./commands/api-keys.js') },
  { name: 'audit-logs', description: 'Read the audit log (account admins)', load: () => import('./commands/audit-logs.js') },
  { name: 'saml-identity-providers', description: 'SAML single sign-on: identity providers and their role mappings', load: () => import('./commands/saml-identity-providers.js') },
  { name: 'oidc-identity-providers', description: 'OIDC single sign-on: identity providers and their role mappings', load: () => import('./commands/oidc-identity-providers.js') },
  { name: 'sso', description: 'Single sign-on: providers of both protocols, role mappings, evaluate, explain, sp-info', load: () => import('./commands/sso.js') },
  { name: 'access-reviews', description: 'Access reviews: signed snapshots of who can do what, diff, keep or revoke, CSV export', load: () => import('./commands/access-reviews.js') },
  { name: 'access', description: 'Explain access: may a user do X, and who may', load: () => import('./commands/access.js') },
  { name: 'export', description: 'Write the account\'s access as a YAML document (access as code)', load: async () => ({ build: (await import('./commands/access-as-code.js')).buildExport }) },
  { name: 'diff', description: 'Show what applying an access document would change', load: async () => ({ build: (await import('./commands/access-as-code.js')).buildDiff }) },
  { name: 'apply', description: 'Apply an access document in one transaction (--prune removes what it does not list)', load: async () => ({ build: (await import('./commands/access-as-code.js')).buildApply }) },
  { name: 'profiles', description: 'Manage connection profiles (endpoint, API key, output format)', load: () => import('./commands/profiles.js') },
  { name: 'auth', description: 'Log in with the browser (OAuth 2 + PKCE), show the login, log out', load: () => import('./commands/auth.js') },
  { name: 'serve', description: 'Run the admin server (API and web console)', load: () => import('./commands/serve.js') },
  { name: 'admin', description: 'Operate a server: back up and restore its SQLite database', load: () => import('./commands/admin.js') },
  { name: 'completion', description: 'Print a shell completion script (bash, zsh, fish)', load: () => import('./commands/completion.js') },
];

/** Builds a top-level command from its module, with the description of this table (its one home). */
export async function loadNoun(entry: NounEntry): Promise<Command> {
  const command = (await entry.load()).build();
  return command.description(entry.description);
}
