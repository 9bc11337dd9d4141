import type { ReactNode } from 'react';
import { lazyPage } from './lib/lazy-page.js';
import { matchPath, type Location } from './lib/router.js';

/** Where the console opens, and where `/` leads. */
export const HOME = '/settings/api-keys';

export const AuthorizePage = lazyPage(() => import('./pages/AuthorizePage.js').then((m) => m.AuthorizePage));
export const ChangePasswordPage = lazyPage(() => import('./pages/ChangePasswordPage.js').then((m) => m.ChangePasswordPage));
export const InvitePage = lazyPage(() => import('./pages/InvitePage.js').then((m) => m.InvitePage));
export const LoginPage = lazyPage(() => import('./pages/LoginPage.js').then((m) => m.LoginPage));
export const ResetPasswordPage = lazyPage(() => import('./pages/ResetPasswordPage.js').then((m) => m.ResetPasswordPage));

const AccessReviewsPage = lazyPage(() => import('./pages/access-reviews/AccessReviewsPage.js').then((m) => m.AccessReviewsPage));
const AccessPage = lazyPage(() => import('./pages/AccessPage.js').then((m) => m.AccessPage));
const ApiKeysPage = lazyPage(() => import('./pages/ApiKeysPage.js').then((m) => m.ApiKeysPage));
const AuditLogPage = lazyPage(() => import('./pages/AuditLogPage.js').then((m) => m.AuditLogPage));
const CliLoginsPage = lazyPage(() => import('./pages/CliLoginsPage.js').then((m) => m.CliLoginsPage));
const NotFoundPage = lazyPage(() => import('./pages/NotFoundPage.js').then((m) => m.NotFoundPage));
const OrganizationPage = lazyPage(() => import('./pages/OrganizationPage.js').then((m) => m.OrganizationPage));
const OrganizationsPage = lazyPage(() => import('./pages/OrganizationsPage.js').then((m) => m.OrganizationsPage));
const ProjectPage = lazyPage(() => import('./pages/ProjectPage.js').then((m) => m.ProjectPage));
const ProvisioningPage = lazyPage(() => import('./pages/ProvisioningPage.js').then((m) => m.ProvisioningPage));
const ProviderPage = lazyPage(() => import('./pages/sso/ProviderPage.js').then((m) => m.ProviderPage));
const RolesPage = lazyPage(() => import('./pages/RolesPage.js').then((m) => m.RolesPage));
const SingleSignOnPage = lazyPage(() => import('./pages/SingleSignOnPage.js').then((m) => m.SingleSignOnPage));
const SpacePage = lazyPage(() => import('./pages/SpacePage.js').then((m) => m.SpacePage));
const UsersPage = lazyPage(() => import('./pages/UsersPage.js').then((m) => m.UsersPage));
const UserPage = lazyPage(() => import('./pages/users/UserPage.js').then((m) => m.UserPage));
const ProfilePage = lazyPage(() => import('./pages/ProfilePage.js').then((m) => m.ProfilePage));

type Params = Record<string, string>;

interface Route {
  match: (pathname: string) => Params | null;
  page: { preload(): Promise<unknown>; isLoaded(): boolean };
  render: (params: Params) => ReactNode;
}

const exact = (path: string) => (pathname: string) => (pathname === path ? {} : null);
const pattern = (path: string) => (pathname: string) => matchPath(path, pathname);

/** The pages inside the shell, first match wins. */
const ROUTES: readonly Route[] = [
  { match: exact('/settings/api-keys'), page: ApiKeysPage, render: () => <ApiKeysPage /> },
  { match: exact('/settings/cli-logins'), page: CliLoginsPage, render: () => <CliLoginsPage /> },
  { match: exact('/settings/single-sign-on'), page: SingleSignOnPage, render: () => <SingleSignOnPage /> },
  { match: exact('/settings/provisioning'), page: ProvisioningPage, render: () => <ProvisioningPage /> },
  {
    match: pattern('/settings/single-sign-on/new/:protocol'),
    page: ProviderPage,
    render: (p) => <ProviderPage key="new" protocolSlug={p.protocol ?? ''} />,
  },
  {
    match: pattern('/settings/single-sign-on/:protocol/:id'),
    page: ProviderPage,
    render: (p) => <ProviderPage key={p.id} protocolSlug={p.protocol ?? ''} id={p.id} />,
  },
  { match: exact('/access-reviews'), page: AccessReviewsPage, render: () => <AccessReviewsPage /> },
  { match: exact('/users'), page: UsersPage, render: () => <UsersPage /> },
  { match: pattern('/users/:id'), page: UserPage, render: (p) => <UserPage id={p.id ?? ''} /> },
  { match: exact('/profile'), page: ProfilePage, render: () => <ProfilePage /> },
  { match: exact('/organizations'), page: OrganizationsPage, render: () => <OrganizationsPage /> },
  { match: pattern('/organizations/:id'), page: OrganizationPage, render: (p) => <OrganizationPage id={p.id ?? ''} /> },
  { match: pattern('/spaces/:id'), page: SpacePage, render: (p) => <SpacePage id={p.id ?? ''} /> },
  { match: pattern('/projects/:id'), page: ProjectPage, render: (p) => <ProjectPage id={p.id ?? ''} /> },
  { match: exact('/roles'), page: RolesPage, render: () => <RolesPage /> },
  { match: exact('/audit-log'), page: AuditLogPage, render: () => <AuditLogPage /> },
  { match: exact('/access'), page: AccessPage, render: () => <AccessPage /> },
];

function routeOf(pathname: string): { route: Route; params: Params } | undefined {
  for (const route of ROUTES) {
    const params = route.match(pathname);
    if (params) return { route, params };
  }
  return undefined;
}

/** The page of the signed-in shell at `location` (`/` is left empty: the app sends it home). */
export function Routes({ location }: { location: Location }) {
  if (location.pathname === '/') return null;
  const found = routeOf(location.pathname);
  return found ? found.route.render(found.params) : <NotFoundPage />;
}

/**
 * Fetches the code of the page at `pathname`, started while the console still asks who is signed in instead of
 * after it; settles (never fails) once the page can render without suspending.
 */
export async function preloadPage(pathname: string): Promise<void> {
  // A chunk that fails to load fails again when the page renders, which is where the failure is shown.
  await pageAt(pathname)?.preload().catch(() => undefined);
}

/** True when the code of the page at `pathname` is here (preloadPage has settled): it renders without suspending. */
export function pageLoaded(pathname: string): boolean {
  return pageAt(pathname)?.isLoaded() ?? false;
}

function pageAt(pathname: string): Route['page'] | undefined {
  return pathname === '/login' ? LoginPage : routeOf(pathname === '/' ? HOME : pathname)?.route.page;
}
