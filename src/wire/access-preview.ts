import { Type } from '@sinclair/typebox';
import { PREVIEW_BOUND_TEXT } from '../domain/preview-bound.js';
import { Id, PermissionName } from './common.js';

/**
 * The `dry_run` query parameter of every change that moves rights: answer 200 with an AccessPreview instead of
 * making the change. Nothing is written and nothing is audited.
 */
const DryRun = Type.Optional(Type.Boolean({ description: 'Answer 200 with what the change would do to access (an AccessPreview); write nothing, audit nothing.' }));

/** Query of a change whose only parameter is `dry_run`. */
export const DryRunQuery = Type.Object({ dry_run: DryRun }, { additionalProperties: false });

/** What one principal gains and loses on one resource (the account carries no id). */
const ResourceAccessChange = Type.Object({
  resource_type: Type.Union([Type.Literal('ACCOUNT'), Type.Literal('ORGANIZATION'), Type.Literal('SPACE'), Type.Literal('PROJECT')]),
  resource_id: Type.Optional(Id),
  resource_name: Type.Optional(Type.String()),
  gained: Type.Array(PermissionName),
  lost: Type.Array(PermissionName),
});

/** One user or service key (its bot user) whose effective permissions the change moves. */
export const PrincipalAccessChange = Type.Object({
  user_id: Id,
  principal_type: Type.Union([Type.Literal('USER'), Type.Literal('SERVICE_KEY')], { description: 'SERVICE_KEY: the bot user of a service key.' }),
  name: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  changes: Type.Array(ResourceAccessChange),
});

/** Present (true) when the change moves more access than an answer lists: `principals` is then empty. */
export const PrincipalsOmitted = Type.Optional(Type.Literal(true, {
  description: `The change moves ${PREVIEW_BOUND_TEXT}: \`principals\` is empty, not the list. Preview a narrower change to see them.`,
}));

/** The rows the change removes with it (foreign-key cascades included); 0 when it removes none. */
const AccessChangeCascade = Type.Object({
  organization_memberships: Type.Integer({ minimum: 0 }),
  space_memberships: Type.Integer({ minimum: 0 }),
  role_bindings: Type.Integer({ minimum: 0 }),
  resource_restrictions: Type.Integer({ minimum: 0 }),
  service_keys: Type.Integer({ minimum: 0, description: 'Live service keys that stop reaching any space (revoked, or their bot left in no space).' }),
});

/**
 * 200 answer of a change with `?dry_run=true`: for each principal whose effective permissions would move, what it
 * would gain and lose on which resource (the account, organizations, spaces, projects), and what the change would
 * remove with it. Computed by making the change in a transaction that is rolled back and comparing the access
 * snapshots before and after it.
 */
export const AccessPreview = Type.Object({
  dry_run: Type.Literal(true),
  principals: Type.Array(PrincipalAccessChange),
  principals_omitted: PrincipalsOmitted,
  cascade: AccessChangeCascade,
});
