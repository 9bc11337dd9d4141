import { Suspense, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ConsoleSession as Session, Me } from '../../src/client/types.js';
import { api, ApiError, auth, errorMessage, setCsrfToken, setUnauthorizedHandler } from './lib/api.js';
import { arrivedEarly, dropEarly } from './boot/early-requests.js';
import { AccessProvider } from './lib/access.js';
import { Link, matchPath, navigate, useLocation, type Location } from './lib/router.js';
import { SessionContext, sessionValue, useSession } from './lib/session.js';
import { FirstRunNotice } from './components/FirstRunGuide.js';
import { PageErrorBoundary } from './components/PageErrorBoundary.js';
import { ToastProvider } from './components/Toast.js';
import { AuthorizePage, ChangePasswordPage, HOME, InvitePage, LoginPage, pageLoaded, preloadPage, ResetPasswordPage, Routes } from './routes.js';

type State =
  | { kind: 'loading' }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'failed'; error: unknown }
  | { kind: 'signed-in'; session: Session; me: Me };

/** Where to go after signing in: the `next` query value when it is a local path, else home. */
function nextPath(location: Location): string {
  const next = location.query.get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : HOME;
}

/**
 * Signed in from the first render when the entry's early answers (who is signed in, the principal) and the page's
 * code are all here already: the console then shows the page at once, not "Loading…" and a second render after
 * asking. Otherwise (an answer still on its way, no session, a password to change) it starts loading and asks.
 */
function stateAtStart(): State {
  const session = arrivedEarly<Session>('/auth/session');
  const me = arrivedEarly<Me>('/v2/me');
  if (!session || !me || session.must_change_password || !pageLoaded(window.location.pathname)) return { kind: 'loading' };
  setCsrfToken(session.csrf_token);
  return { kind: 'signed-in', session, me };
}

export function App() {
  const [state, setState] = useState<State>(stateAtStart);
  const signedInAtStart = useRef(state.kind === 'signed-in');
  const location = useLocation();

  const enter = useCallback(async (session: Session) => {
    setCsrfToken(session.csrf_token);
    try {
      // The first page is shown with its code in (mount.tsx started fetching it): a page that suspends for a moment
      // keeps React's fallback on screen for 300 ms.
      const [me] = await Promise.all([api.access.me(), preloadPage(window.location.pathname)]);
      setState({ kind: 'signed-in', session, me });
    } catch (error) {
      setState({ kind: 'failed', error });
    }
  }, []);

  const boot = useCallback(() => {
    setState({ kind: 'loading' });
    auth.session().then(enter, (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) setState({ kind: 'signed-out' });
      else setState({ kind: 'failed', error });
    });
  }, [enter]);

  useEffect(() => {
    if (!signedInAtStart.current) boot();
  }, [boot]);

  // Runs after the effects of the screen this state rendered (a parent's effects follow its children's): the first
  // page has taken the early answers it asked for, and any left over would answer a later request with stale data.
  useEffect(() => {
    if (state.kind !== 'loading') dropEarly();
  }, [state.kind]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(undefined);
      setState({ kind: 'signed-out', notice: 'Your session has ended. Sign in again to continue.' });
    });
    return () => setUnauthorizedHandler(undefined);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await auth.logout();
    } finally {
      setCsrfToken(undefined);
      setState({ kind: 'signed-out', notice: 'You have signed out.' });
      navigate('/login', { replace: true });
    }
  }, []);

  const finishReset = useCallback(() => {
    setCsrfToken(undefined);
    setState({ kind: 'signed-out', notice: 'Your password has been changed. Sign in with your new password.' });
    navigate('/login', { replace: true });
  }, []);

  const ctx = useMemo(
    () => (state.kind === 'signed-in' ? sessionValue(state.session, state.me, signOut) : null),
    [state, signOut],
  );

  const invite = matchPath('/invite/:token', location.pathname);
  const reset = matchPath('/reset/:token', location.pathname);
  const authorize = matchPath('/authorize/:uid', location.pathname);
  const onLogin = location.pathname === '/login';
  const signedIn = state.kind === 'signed-in';

  useEffect(() => {
    if (state.kind === 'signed-out' && !invite && !reset && !onLogin) {
      const next = location.href === '/' ? '' : `?next=${encodeURIComponent(location.href)}`;
      navigate(`/login${next}`, { replace: true });
    } else if (signedIn && onLogin) {
      navigate(nextPath(location), { replace: true });
    } else if (signedIn && location.pathname === '/') {
      navigate(HOME, { replace: true });
    }
  }, [state.kind, signedIn, invite, reset, onLogin, location]);

  const booting = <div className="boot" role="status">Loading…</div>;
  let content: ReactNode;
  if (invite) {
    content = <InvitePage token={invite.token ?? ''} onSession={(s) => enter(s).then(() => navigate(HOME))} />;
  } else if (reset) {
    content = <ResetPasswordPage token={reset.token ?? ''} onDone={finishReset} />;
  } else if (state.kind === 'loading') {
    content = booting;
  } else if (state.kind === 'failed') {
    content = (
      <div className="auth-screen">
        <div className="auth-card" role="alert">
          <h1>Cannot load the console</h1>
          <p>{errorMessage(state.error)}</p>
          <button type="button" className="btn btn-primary" onClick={boot}>
            Try again
          </button>
        </div>
      </div>
    );
  } else if (state.kind === 'signed-out') {
    const cliLogin = nextPath(location).startsWith('/authorize/');
    const notice = state.notice ?? (cliLogin ? 'Sign in to approve or deny the login of ax, the command-line tool.' : undefined);
    content = onLogin ? <LoginPage notice={notice} onSession={enter} /> : null;
  } else {
    content = (
      <SessionContext.Provider value={ctx}>
        {state.session.must_change_password ? (
          <ChangePasswordPage onChanged={boot} />
        ) : authorize ? (
          <AuthorizePage uid={authorize.uid ?? ''} />
        ) : (
          <Shell location={location} />
        )}
      </SessionContext.Provider>
    );
  }

  return (
    <ToastProvider>
      <PageErrorBoundary>
        <Suspense fallback={booting}>{content}</Suspense>
      </PageErrorBoundary>
    </ToastProvider>
  );
}

interface NavItem {
  to: string;
  label: string;
  visible: boolean;
}

function Shell({ location }: { location: Location }) {
  const { me, accountCan, isAccountAdmin, signOut } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  useEffect(() => {
    setMenuOpen(false);
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const frame = window.requestAnimationFrame(() => {
      (document.getElementById('main-heading') ?? document.getElementById('main'))?.focus();
    });
    return () => window.cancelAnimationFrame(frame);
  }, [location.pathname]);

  const sections: { title: string; items: NavItem[] }[] = [
    {
      title: 'Settings',
      items: [
        { to: '/settings/api-keys', label: 'API Keys', visible: true },
        { to: '/settings/cli-logins', label: 'CLI logins', visible: true },
        { to: '/settings/single-sign-on', label: 'Single sign-on', visible: isAccountAdmin },
        { to: '/settings/provisioning', label: 'Provisioning', visible: isAccountAdmin },
      ],
    },
    {
      title: 'Resources',
      items: [{ to: '/organizations', label: 'Organizations', visible: true }],
    },
    {
      title: 'Access management',
      items: [
        { to: '/users', label: 'Users', visible: accountCan('USER_READ') },
        { to: '/roles', label: 'Roles', visible: true },
        { to: '/access', label: 'Access', visible: true },
        { to: '/audit-log', label: 'Audit log', visible: isAccountAdmin },
        { to: '/access-reviews', label: 'Access reviews', visible: isAccountAdmin },
      ],
    },
  ];
  const current = (to: string) =>
    location.pathname === to ||
    location.pathname.startsWith(`${to}/`) ||
    (to === '/organizations' && /^\/(spaces|projects)\//.test(location.pathname));

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          ref={menuButton}
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          <span aria-hidden="true" className="menu-icon" />
          Menu
        </button>
        <Link to={HOME} className="brand" aria-label="AX Admin: home">
          <span className="brand-mark" aria-hidden="true">
            AX
          </span>
          <span>Admin</span>
        </Link>
        <div className="topbar-user">
          <Link to="/profile" className="topbar-user-name" title={`${me.email}: your profile`}>
            {me.name}
          </Link>
          <button type="button" className="btn btn-small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <div className="shell">
        <nav id="main-nav" aria-label="Main" className={menuOpen ? 'sidebar open' : 'sidebar'}>
          {sections.map((s) => {
            const items = s.items.filter((i) => i.visible);
            if (items.length === 0) return null;
            return (
              <div key={s.title} className="nav-section">
                <h2 className="nav-title">{s.title}</h2>
                <ul>
                  {items.map((i) => (
                    <li key={i.to}>
                      <Link to={i.to} className="nav-link" aria-current={current(i.to) ? 'page' : undefined}>
                        {i.label}
                      </Link>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
        <main id="main" tabIndex={-1}>
          <FirstRunNotice pathname={location.pathname} />
          <AccessProvider key={location.pathname} userId={me.id}>
            <PageErrorBoundary>
              <Suspense fallback={<p className="muted" role="status">Loading…</p>}>
                <Routes location={location} />
              </Suspense>
            </PageErrorBoundary>
          </AccessProvider>
        </main>
      </div>
    </div>
  );
}
