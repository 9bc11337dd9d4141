import { useRef } from 'react';
import './console-help.css';
import { api } from '../lib/api.js';
import { useAsync } from '../lib/hooks.js';
import { Link } from '../lib/router.js';
import { useSession } from '../lib/session.js';

/**
 * What an account admin does first on an empty server, in order, each step with where to do it. Shown on the
 * organizations page while the account has none.
 */
export function FirstRunGuide({ onCreateOrganization }: { onCreateOrganization: () => void }) {
  return (
    <section className="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">Get started</h2>
      <p>This server has no organizations yet. Four steps give your team access:</p>
      <ol>
        <li>
          <strong>Create an organization</strong> for your company or department.{' '}
          <button type="button" className="btn btn-small btn-primary" onClick={onCreateOrganization}>
            New organization
          </button>
        </li>
        <li>
          <strong>Create a space</strong> in it for a team or product: open the organization and choose <em>New space</em>. Projects, traces and datasets
          live in spaces.
        </li>
        <li>
          <strong>Invite people</strong> on the <Link to="/users">Users</Link> page, then add them as members of the organization and the space, with
          the role they need.
        </li>
        <li>
          <strong>Create a service key</strong> on the <Link to="/settings/api-keys">API keys</Link> page for CI jobs and SDKs that send data to the
          space.
        </li>
      </ol>
    </section>
  );
}

/**
 * A line above every page while an account admin's account has no organization: where the first-run guide is. It
 * asks on each page until the account has one (a page of one organization is enough to know), then never again.
 */
export function FirstRunNotice({ pathname }: { pathname: string }) {
  const { isAccountAdmin } = useSession();
  const settled = useRef(!isAccountAdmin);
  const empty = useAsync(async () => {
    if (settled.current) return false;
    const none = (await api.organizations.list({ limit: 1 })).organizations.length === 0;
    settled.current = !none;
    return none;
  }, [pathname]);
  if (!empty.data || pathname === '/organizations') return null;
  return (
    <p className="first-run-notice">
      <strong>New server?</strong> Start with the <Link to="/organizations">setup guide</Link>: create an organization, a space, invite people and
      create a service key.
    </p>
  );
}
