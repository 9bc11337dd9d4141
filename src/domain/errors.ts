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
  REQUEST_TIMEOUT: { status: 408, title: 'Request Timeout', fix: 'Send the whole request at once: its headers and body must arrive within the server\'s request timeout.' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request Header Fields Too Large', fix: 'Send a shorter URL and shorter headers (16 KiB in all); put long values in a JSON body.' },
  UNAUTHENTICATED: { status: 401, title: 'Unauthorized', fix: 'Send a valid, active API key as Authorization: Bearer <key>.' },
  INVALID_CREDENTIALS: { status: 401, title: 'Unauthorized', fix: 'Check the email and password, or ask an administrator for a password reset.' },
  FORBIDDEN: { status: 403, title: 'Forbidden', fix: 'Ask an administrator for the permission named in the detail.' },
  PREDEFINED_ROLE_IMMUTABLE: { status: 403, title: 'predefined roles cannot be modified', fix: 'Create a custom role instead.' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, title: 'password change required', fix: 'Change the password first: POST /auth/change-password (the console asks for it).' },
  NOT_FOUND: { status: 404, title: 'Not Found', fix: 'List the resources to find a valid id.' },
  ROUTE_NOT_FOUND: { status: 404, title: 'Not Found', fix: 'Check the method and path against /v2/openapi.json.' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method Not Allowed', fix: 'Check the method against /v2/openapi.json.' },
  CONFLICT: { status: 409, title: 'Conflict', fix: 'Choose another name, or use the existing resource.' },
  LAST_ACTIVE_ADMIN: { status: 422, title: 'Last active account admin', fix: 'Make another user an ADMIN first; the account must keep one ACTIVE account ADMIN.' },
  UNPROCESSABLE: { status: 422, title: 'Unprocessable Entity', fix: 'The request is well-formed but breaks a rule named in the detail.' },
  RATE_LIMITED: { status: 429, title: 'Too Many Requests', fix: 'Wait for the time given in Retry-After.' },
  // Single sign-on (SAML, OIDC): each how-to-fix sentence names the setting to check.
  SAML_RESPONSE_MALFORMED: { status: 400, title: 'Malformed SAML response', fix: 'Post one base64 SAMLResponse holding one unencrypted, signed Assertion (encrypted assertions are not supported) to the ACS.' },
  SAML_NAMEID_INVALID: { status: 400, title: 'SAML NameID is not an email address', fix: 'Set the IdP\'s Name ID format to emailAddress and its value to the user\'s email.' },
  SSO_LOGIN_EXPIRED: { status: 400, title: 'Sign-in expired', fix: 'Start the sign-in again in this browser (a login must finish within 10 minutes, in the browser that started it).' },
  OIDC_STATE_MISMATCH: { status: 400, title: 'OIDC state mismatch', fix: 'Start the sign-in again in this browser; each login can be completed once, within 10 minutes.' },
  SSO_EMAIL_MISSING: { status: 400, title: 'No email in the identity provider\'s answer', fix: 'Release the email claim (scope email) or set email_claim_path to where the provider puts it.' },
  SAML_METADATA_INVALID: { status: 400, title: 'Invalid SAML metadata', fix: 'Give IdP metadata with one EntityDescriptor, an IDPSSODescriptor, a signing certificate and a SingleSignOnService (HTTP-Redirect or HTTP-POST).' },
  SAML_METADATA_UNREACHABLE: { status: 400, title: 'SAML metadata URL unreachable', fix: 'Check metadata_url opens from the server (https, answers 2xx within 5 s, at most 1 MiB), or paste metadata_xml instead.' },
  SSO_URL_NOT_ALLOWED: { status: 400, title: 'URL not allowed', fix: 'Use an https URL on a public address; an operator can allow private hosts with AX_SSO_ALLOWED_PRIVATE_HOSTS.' },
  OIDC_DISCOVERY_FAILED: { status: 400, title: 'OIDC discovery failed', fix: 'Check issuer: {issuer}/.well-known/openid-configuration must answer with the same issuer and the code response type.' },
  OAUTH_INVALID_CLIENT: { status: 400, title: 'Unknown OAuth client', fix: 'Log in with `ax auth login` (client_id arize-cli); no other client is registered on this server.' },
  OAUTH_INVALID_REDIRECT_URI: { status: 400, title: 'Redirect URI not allowed', fix: 'The CLI must listen on http://127.0.0.1:<port>/callback (any port); localhost, other hosts and other paths are refused.' },
  SAML_SIGNATURE_INVALID: { status: 401, title: 'SAML signature invalid', fix: 'Sign the assertion (RSA-SHA256 or RSA-SHA512) with a certificate published in the IdP metadata; refresh the metadata after a certificate change.' },
  SAML_REPLAYED: { status: 401, title: 'SAML response already used', fix: 'Start a new sign-in; every SAML response is accepted once.' },
  SAML_UNSOLICITED: { status: 401, title: 'Unsolicited SAML response', fix: 'Start the sign-in from the console, or turn on allow_idp_initiated for this identity provider.' },
  SAML_ISSUER_MISMATCH: { status: 401, title: 'SAML issuer mismatch', fix: 'The response\'s Issuer must be the entity id of the IdP metadata configured here; update the metadata.' },
  SAML_AUDIENCE_MISMATCH: { status: 401, title: 'SAML audience mismatch', fix: 'Set the IdP\'s Audience URI / SP Entity ID to exactly this server\'s public URL (AX_PUBLIC_URL).' },
  SAML_DESTINATION_MISMATCH: { status: 401, title: 'SAML destination mismatch', fix: 'Set the IdP\'s Single sign-on URL / Recipient / Destination to exactly {public_url}/auth/v2/saml.' },
  SAML_EXPIRED: { status: 401, title: 'SAML assertion expired or not yet valid', fix: 'Sign in again; if it keeps failing, check the IdP\'s and this server\'s clocks.' },
  SAML_IDP_STATUS: { status: 401, title: 'The identity provider refused the sign-in', fix: 'Read the status code in the detail and check the user\'s assignment at the identity provider.' },
  OIDC_TOKEN_INVALID: { status: 401, title: 'OIDC token invalid', fix: 'Check client_id, client_secret and the redirect URI {public_url}/auth/oidc/callback at the provider; the detail gives the provider\'s reason.' },
  OIDC_NONCE_MISMATCH: { status: 401, title: 'OIDC nonce mismatch', fix: 'Start the sign-in again; the ID token must carry the nonce this login sent.' },
  OIDC_PROVIDER_ERROR: { status: 401, title: 'The identity provider returned an error', fix: 'Read the provider\'s error in the detail (e.g. access_denied: the user is not assigned to the application).' },
  SSO_REQUIRED: { status: 403, title: 'Sign in with single sign-on', fix: 'Use "Continue with SSO": password sign-in is off for this email domain.' },
  SSO_EMAIL_DOMAIN_MISMATCH: { status: 403, title: 'Email domain not configured for this identity provider', fix: 'Add the user\'s email domain to the identity provider\'s email_domains.' },
  SSO_NO_MATCHING_ROLE: { status: 403, title: 'No role mapping matches', fix: 'Add a role mapping that matches the user\'s attributes, or turn on default login with a default organization and space.' },
  SSO_USER_INACTIVE: { status: 403, title: 'User deactivated', fix: 'Ask an account admin to reactivate the user.' },
  OIDC_EMAIL_UNVERIFIED: { status: 403, title: 'Email not verified', fix: 'Verify the email address at the identity provider.' },
  SSO_UNKNOWN_PROVIDER: { status: 404, title: 'Unknown identity provider', fix: 'Use the login URL shown in Settings → Single sign-on; the provider must exist and be enabled.' },
  SSO_DOMAIN_NOT_CONFIGURED: { status: 404, title: 'No single sign-on for this email domain', fix: 'Sign in with a password, or ask an account admin to add the domain to an identity provider.' },
  SSO_DOMAIN_TAKEN: { status: 409, title: 'Email domain already configured', fix: 'Remove the domain from the identity provider that has it first.' },
  SSO_LINK_REQUIRES_VALIDATED_DOMAIN: { status: 409, title: 'Existing user on an unvalidated domain', fix: 'Ask the operator to validate the domain (AX_SSO_VALIDATED_DOMAINS) before this provider may sign in existing users.' },
  SSO_PROVIDER_UNREACHABLE: { status: 502, title: 'Identity provider unreachable', fix: 'Retry; if it persists, check the provider\'s status and the server\'s outbound network.' },
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
