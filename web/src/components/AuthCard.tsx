import { useEffect, type ReactNode } from 'react';

/** The centred card of the sign-in, invitation and password pages. */
export function AuthCard({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · AX Admin`;
  }, [title]);
  return (
    <div className="auth-screen">
      <main className="auth-card" id="main">
        <div className="auth-brand" aria-hidden="true">
          <span className="brand-mark">AX</span>
          <span>Admin</span>
        </div>
        <h1 id="main-heading" tabIndex={-1}>
          {title}
        </h1>
        {children}
      </main>
      {footer && <div className="auth-footer">{footer}</div>}
    </div>
  );
}

/** Client-side password rule; the server applies its own and its refusal is shown as sent. */
export const MIN_PASSWORD_LENGTH = 12;

/** A reason the new password cannot be sent, or undefined. */
export function passwordProblem(password: string, confirm: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password !== confirm) return 'The two passwords do not match.';
  return undefined;
}
