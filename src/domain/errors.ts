/**
 * The error catalogue: every error the API answers with, declared once. `docs/errors.md` is generated from
 * this table (see scripts/gen-errors-doc.ts) and a test fails when the committed doc differs.
 */
export const ERRORS = {
  BAD_REQUEST: { status: 400, title: 'Bad Request', fix: 'Check the request against /v2/openapi.json.' },
  INVALID_JSON: { status: 400, title: 'Malformed JSON', fix: 'Send a syntactically valid JSON body.' },
  VALIDATION_FAILED: { status: 400, title: 'Invalid request', fix: 'Fix the field named in the detail.' },
  INVALID_ID: { status: 400, title: 'Invalid id', fix: 'Pass an id exactly as the API returned it (padded base64).' },
  INVALID_CURSOR: { status: 400, title: 'Invalid cursor', fix: 'Pass pagination.next_cursor from the previous page unchanged.' },
  INVALID_PERMISSION: { status: 400, title: 'invalid permission', fix: 'Use names from the permission catalogue (GET /v2/roles?is_predefined=true).' },
  RESOURCE_TYPE_MISMATCH: { status: 400, title: 'invalid resource_type', fix: 'Pass a resource_id of the type resource_type names: a Space id for SPACE, a Project id for PROJECT.' },
  BODY_TOO_LARGE: { status: 400, title: 'Request body too large', fix: 'Send a smaller body.' },
  WRONG_USER_STATUS: { status: 400, title: 'wrong user status', fix: 'Resend invitations to INVITED or EXPIRED users; reset the password of ACTIVE users (bots have neither).' },
  WEAK_PASSWORD: { status: 400, title: 'Password too easy to guess', fix: 'Choose another password: not white space, one repeated character, your email or name, nor a common password.' },
  CREDENTIAL_IN_QUERY: { status: 400, title: 'Credential in the query string', fix: 'Send the API key as Authorization: Bearer <key>; a URL ends up in logs and browser history.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported Media Type', fix: 'Send Content-Type: application/json.' },
  UNAUTHENTICATED: { status: 401, title: 'Unauthorized', fix: 'Send a valid, active API key as Authorization: Bearer <key>.' },
  INVALID_CREDENTIALS: { status: 401, title: 'Unauthorized', fix: 'Check the email and password, or ask an administrator for a password reset.' },
  FORBIDDEN: { status: 403, title: 'Forbidden', fix: 'Ask an administrator for the permission named in the detail.' },
  PREDEFINED_ROLE_IMMUTABLE: { status: 403, title: 'predefined roles cannot be modified', fix: 'Create a custom role instead.' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, title: 'password change required', fix: 'Change the password first: POST /auth/change-password (the console asks for it).' },
  NOT_FOUND: { status: 404, title: 'Not Found', fix: 'List the resources to find a valid id.' },
  ROUTE_NOT_FOUND: { status: 404, title: 'Not Found', fix: 'Check the method and path against /v2/openapi.json.' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method Not Allowed', fix: 'Check the method against /v2/openapi.json.' },
  CONFLICT: { status: 409, title: 'Conflict', fix: 'Choose another name, or use the existing resource.' },
  UNPROCESSABLE: { status: 422, title: 'Unprocessable Entity', fix: 'The request is well-formed but breaks a rule named in the detail.' },
  RATE_LIMITED: { status: 429, title: 'Too Many Requests', fix: 'Wait for the time given in Retry-After.' },
  INTERNAL: { status: 500, title: 'Internal Server Error', fix: 'Report the x-request-id to the operator.' },
  PASSWORD_CHECKS_BUSY: { status: 503, title: 'Too many password checks in progress', fix: 'Retry after the time given in Retry-After.' },
  UNAVAILABLE: { status: 503, title: 'Service Unavailable', fix: 'Retry shortly.' },
} as const satisfies Record<string, { status: number; title: string; fix: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The one error family of the product: services throw it, one HTTP plugin maps it to problem+json. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { title?: string; headers?: Record<string, string> }) {
    super(detail ?? ERRORS[code].title);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.title = options?.title ?? ERRORS[code].title;
    this.detail = detail;
    this.headers = options?.headers;
  }
}

export const badRequest = (detail: string) => new ApiError('VALIDATION_FAILED', detail);
export const unauthenticated = (detail = 'a valid API key is required') => new ApiError('UNAUTHENTICATED', detail);
export const forbidden = (detail: string) => new ApiError('FORBIDDEN', detail);
export const notFound = (what: string) => new ApiError('NOT_FOUND', `${what} not found`);
export const conflict = (detail: string, title = 'name already exists') => new ApiError('CONFLICT', detail, { title });
export const unprocessable = (detail: string) => new ApiError('UNPROCESSABLE', detail);
