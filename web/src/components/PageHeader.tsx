import type { ReactNode } from 'react';
import { Link } from '../lib/router.js';
import { useTitle } from '../lib/hooks.js';

interface Crumb {
  label: string;
  to: string;
}

/** The page's h1 (focused after navigation, see App), optional breadcrumbs and actions. */
export function PageHeader({ title, crumbs, actions, children }: { title: string; crumbs?: Crumb[]; actions?: ReactNode; children?: ReactNode }) {
  useTitle(title);
  return (
    <header className="page-header">
      {crumbs && crumbs.length > 0 && (
        <nav aria-label="Breadcrumb" className="breadcrumbs">
          <ol>
            {crumbs.map((c) => (
              <li key={c.to}>
                <Link to={c.to}>{c.label}</Link>
              </li>
            ))}
          </ol>
        </nav>
      )}
      <div className="page-header-row">
        <h1 id="main-heading" tabIndex={-1}>
          {title}
        </h1>
        {actions && <div className="page-actions">{actions}</div>}
      </div>
      {children && <div className="page-intro">{children}</div>}
    </header>
  );
}

/** A titled block of a page. */
export function Section({ title, actions, children, description }: { title: string; actions?: ReactNode; children: ReactNode; description?: ReactNode }) {
  return (
    <section className="section" aria-label={title}>
      <div className="section-header">
        <div>
          <h2>{title}</h2>
          {description && <p className="muted section-description">{description}</p>}
        </div>
        {actions && <div className="section-actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}
