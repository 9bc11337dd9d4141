import type { ReactNode } from 'react';
import './console-help.css';
import { useSession } from '../lib/session.js';
import { PageHeader } from './PageHeader.js';

/**
 * A page the signed-in user may not use, said once and plainly: its title and one sentence of why and whom to
 * ask, instead of its filters, a "Forbidden" alert and an empty table at once.
 */
export function NotAllowed({ title, children }: { title: string; children: ReactNode }) {
  return (
    <>
      <PageHeader title={title} />
      <div className="not-allowed" role="status">
        <p className="strong">You cannot use this page.</p>
        <p>{children}</p>
      </div>
    </>
  );
}

/** The page for account admins only; anyone else gets {@link NotAllowed} and the page sends no request. */
export function AccountAdminsOnly({ title, why, children }: { title: string; why: ReactNode; children: ReactNode }) {
  const { isAccountAdmin } = useSession();
  if (!isAccountAdmin) return <NotAllowed title={title}>{why}</NotAllowed>;
  return <>{children}</>;
}
