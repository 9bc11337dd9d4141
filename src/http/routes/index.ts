import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../app.js';
import { accessRoutes } from './access.js';
import { accessReviewRoutes } from './access-reviews.js';
import { accessAsCodeRoutes } from './access-as-code.js';
import { apiKeyRoutes } from './api-keys.js';
import { authSessionRoutes } from './auth-sessions.js';
import { cliCallbackRoutes } from './cli-callback.js';
import { auditLogRoutes } from './audit-logs.js';
import { healthRoutes } from './health.js';
import { meRoutes } from './me.js';
import { oauthGrantRoutes } from './oauth-grants.js';
import { oauthInteractionRoutes } from './oauth-interactions.js';
import { oidcIdentityProviderRoutes } from './oidc-identity-providers.js';
import { organizationRoutes } from './organizations.js';
import { projectRoutes } from './projects.js';
import { resourceRestrictionRoutes } from './resource-restrictions.js';
import { roleBindingRoutes } from './role-bindings.js';
import { roleRoutes } from './roles.js';
import { samlIdentityProviderRoutes } from './saml-identity-providers.js';
import { scimTokenRoutes } from './scim-tokens.js';
import { secretScanningRoutes } from './secret-scanning.js';
import { spaceRoutes } from './spaces.js';
import { ssoLoginRoutes } from './sso-login.js';
import { userRoutes } from './users.js';

/** Every route module of the server; a new resource adds its module here. */
export const routeModules: ((app: FastifyInstance, ctx: HttpDeps) => Promise<void>)[] = [
  healthRoutes,
  meRoutes,
  organizationRoutes,
  spaceRoutes,
  projectRoutes,
  resourceRestrictionRoutes,
  roleRoutes,
  roleBindingRoutes,
  accessRoutes,
  accessAsCodeRoutes,
  auditLogRoutes,
  accessReviewRoutes,
  userRoutes,
  authSessionRoutes,
  apiKeyRoutes,
  secretScanningRoutes,
  samlIdentityProviderRoutes,
  oidcIdentityProviderRoutes,
  scimTokenRoutes,
  ssoLoginRoutes,
  oauthInteractionRoutes,
  oauthGrantRoutes,
  cliCallbackRoutes,
];
