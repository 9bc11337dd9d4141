import { Type } from '@sinclair/typebox';
import { Id, ListQuery, Name, Timestamp } from './common.js';
import { CascadeCount, DeleteDryRun } from './delete-cascade.js';
import { PrincipalAccessChange, PrincipalsOmitted } from './access-preview.js';

export const Project = Type.Object({
  id: Id,
  name: Type.String(),
  space_id: Id,
  created_at: Timestamp,
});

export const ProjectParams = Type.Object({ project_id: Id });

export const ListProjectsQuery = Type.Object({
  space_id: Type.Optional(Id),
  /** Case-insensitive substring of the space's name (may match several spaces). */
  space_name: Type.Optional(Type.String({ maxLength: 255 })),
  /** Case-insensitive substring of the project's name. */
  name: Type.Optional(Type.String({ maxLength: 255 })),
  ...ListQuery,
}, { additionalProperties: false });

export const CreateProjectBody = Type.Object({ name: Name, space_id: Id }, { additionalProperties: false });
export const UpdateProjectBody = Type.Object({ name: Name }, { additionalProperties: false });

export const DeleteProjectQuery = Type.Object({ dry_run: DeleteDryRun }, { additionalProperties: false });

/** 200 answer of DELETE /v2/projects/{project_id}?dry_run=true: what the delete would take with it. */
export const ProjectDeleteCascade = Type.Object({
  dry_run: Type.Literal(true),
  role_bindings: CascadeCount,
  resource_restrictions: CascadeCount,
  principals: Type.Array(PrincipalAccessChange, { description: 'Whose effective permissions the delete would move, and how (as in an AccessPreview).' }),
  principals_omitted: PrincipalsOmitted,
});
