import { Type } from '@sinclair/typebox';
import { PermissionName } from './common.js';
import { AccessPreview } from './access-preview.js';

/**
 * Access as code: the account's organizations, spaces, projects, custom roles, memberships, role bindings and
 * restrictions as one document, by name (never ids), each list sorted by name (grants by user email), so that it
 * diffs well in review. `ax export` writes it, `ax diff`/`ax apply` and `POST /v2/access/{plan,apply}` read it.
 * docs/access-document.schema.json is this schema (scripts/gen-access-document-schema.ts writes it).
 */

const Text = (description: string, options: { minLength?: number; maxLength: number }) =>
  Type.String({ ...options, description });

const DocName = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S', description: 'The name (unique among its siblings).' });
const DocDescription = Type.Optional(Text('Left out: empty.', { maxLength: 1000 }));

/** A role binding or membership of one user: by email, with a role by name and an optional end. */
const Grant = Type.Object({
  user: Text('The user\'s email (an existing user of the account; service keys\' bots are not managed here).', { minLength: 3, maxLength: 320 }),
  role: Text('A role by name: Admin, Member, Read Only, Annotator, or a custom role\'s name.', { minLength: 1, maxLength: 255 }),
  expires_at: Type.Optional(Type.String({ format: 'date-time', description: 'When the grant ends (RFC 3339, in the future); left out: never.' })),
  reason: Type.Optional(Text('Why the grant was given.', { minLength: 1, maxLength: 500 })),
}, { additionalProperties: false });

const Grants = (description: string) => Type.Optional(Type.Array(Grant, { description }));

const ProjectEntry = Type.Object({
  name: DocName,
  restricted: Type.Optional(Type.Boolean({ description: 'Only PROJECT role bindings grant access to it; left out: false.' })),
  role_bindings: Grants('PROJECT role bindings, by user email.'),
}, { additionalProperties: false });

const SpaceEntry = Type.Object({
  name: DocName,
  description: DocDescription,
  private: Type.Optional(Type.Boolean({ description: 'Hidden from organization members without a grant on it; left out: false.' })),
  members: Grants('Space memberships, by user email (each user must be a member of the organization).'),
  role_bindings: Grants('SPACE role bindings, by user email.'),
  projects: Type.Optional(Type.Array(ProjectEntry)),
}, { additionalProperties: false });

const OrganizationEntry = Type.Object({
  name: DocName,
  description: DocDescription,
  members: Grants('Organization memberships, by user email.'),
  spaces: Type.Optional(Type.Array(SpaceEntry)),
}, { additionalProperties: false });

const CustomRoleEntry = Type.Object({
  name: DocName,
  description: DocDescription,
  permissions: Type.Array(PermissionName, { description: 'The role\'s permissions (catalogue order in an export).' }),
}, { additionalProperties: false });

export const AccessDocument = Type.Object({
  version: Type.Literal(1, { description: 'The format\'s version.' }),
  roles: Type.Optional(Type.Array(CustomRoleEntry, { description: 'Custom roles (the predefined ones are not listed).' })),
  organizations: Type.Optional(Type.Array(OrganizationEntry)),
}, {
  additionalProperties: false,
  title: 'ax access document',
  description: 'An account\'s access model as code (ax export / ax diff / ax apply; POST /v2/access/plan and /v2/access/apply).',
});

/** `?prune=true`: also remove what the document does not list. */
export const AccessApplyQuery = Type.Object({
  prune: Type.Optional(Type.Boolean({ description: 'Also remove what the document does not list (bots\' grants excepted).' })),
}, { additionalProperties: false });

/**
 * The body of plan and apply: the document as JSON, or `{"yaml": "<text>"}` (what `ax` sends, so that errors name
 * the file's lines); `Content-Type: application/yaml` sends the text as is. The route checks it against
 * AccessDocument itself (src/http/access-document-input.ts) rather than through the validator, so that its answer
 * names every error with its path, line and column.
 */
export const AccessDocumentBody = Type.Union([
  Type.Object({}, { description: 'The document as JSON (docs/access-document.schema.json).' }),
  Type.Object({ yaml: Type.String({ maxLength: 32 * 1024 * 1024, description: 'The document as YAML (or JSON) text.' }) }, { additionalProperties: false }),
], { description: 'An access document (docs/access-document.schema.json): as JSON, or its YAML text.' });

/** One change a plan makes, in the order apply makes them. */
export const AccessOperation = Type.Object({
  action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
  kind: Type.Union([
    Type.Literal('ROLE'), Type.Literal('ORGANIZATION'), Type.Literal('SPACE'), Type.Literal('PROJECT'),
    Type.Literal('ORGANIZATION_MEMBERSHIP'), Type.Literal('SPACE_MEMBERSHIP'), Type.Literal('ROLE_BINDING'), Type.Literal('RESOURCE_RESTRICTION'),
  ]),
  target: Type.String({ description: 'What it changes, by name: `Platform Team/team-alpha/chat`, or a role\'s name.' }),
  user: Type.Optional(Type.String({ description: 'The user of a membership or binding (email).' })),
  detail: Type.Optional(Type.String({ description: 'What changes: `role Member → Admin`, `permissions +PROJECT_READ`, …' })),
});

/** 200 of `POST /v2/access/plan`: the operations, and what they would do to access (as a dry run answers). */
export const AccessPlan = Type.Object({
  operations: Type.Array(AccessOperation),
  ...AccessPreview.properties,
});

/** 200 of `POST /v2/access/apply`: the operations made, and what they did to access. */
export const AccessApplied = Type.Object({
  operations: Type.Array(AccessOperation),
  dry_run: Type.Literal(false),
  principals: AccessPreview.properties.principals,
  principals_omitted: AccessPreview.properties.principals_omitted,
  cascade: AccessPreview.properties.cascade,
});

/** One error of a document: where (the path, and the line and column of YAML text) and what. */
const AccessDocumentIssue = Type.Object({
  path: Type.String({ description: '`organizations[0].spaces[2].members[0].role`; empty for the document itself.' }),
  line: Type.Optional(Type.Integer({ minimum: 1 })),
  column: Type.Optional(Type.Integer({ minimum: 1 })),
  message: Type.String(),
});

/** 400 (not YAML, or not the schema) or 422 (names nothing known, breaks a rule) of plan and apply. */
export const AccessDocumentProblem = Type.Object({
  status: Type.Integer(),
  title: Type.String(),
  code: Type.Optional(Type.String()),
  detail: Type.Optional(Type.String({ description: 'Every error, one a line: `path: message (line L, column C)`.' })),
  errors: Type.Optional(Type.Array(AccessDocumentIssue, { description: 'Each error of the document (absent from other problems, e.g. a 403).' })),
});

/**
 * docs/access-document.schema.json, the schema published with the package (editors validate and complete a
 * document with it): AccessDocument as JSON Schema. `npm run docs:access-schema` writes it; a test fails when the
 * committed file differs.
 */
export function accessDocumentSchemaText(): string {
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', $id: 'urn:ax-admin-plane:access-document:1', ...AccessDocument };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
