/** RFC 7644 §3.12 `scimType` values this server answers with. */
export type ScimType = 'invalidSyntax' | 'invalidFilter' | 'invalidPath' | 'invalidValue' | 'mutability' | 'noTarget' | 'uniqueness' | 'tooMany';

/**
 * A SCIM request refused: answered with RFC 7644's error body (`urn:ietf:params:scim:api:messages:2.0:Error`,
 * `status` as a string), never problem+json (identity.md §5.7). Thrown by the SCIM services; the SCIM scope's error
 * handler (http/plugins/scim.ts) writes it.
 */
export class ScimError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 413 | 429 | 500 | 501 | 503,
    readonly detail: string,
    readonly scimType?: ScimType,
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'ScimError';
  }
}

export const scimInvalid = (scimType: ScimType, detail: string) => new ScimError(400, detail, scimType);
export const scimNotFound = (what: string) => new ScimError(404, `${what} not found`);
export const scimConflict = (detail: string) => new ScimError(409, detail, 'uniqueness');
