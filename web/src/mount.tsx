import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { preloadPage } from './routes.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
// The first render waits for the page's code (on its way since the entry ran, first-page.ts), so that with the
// entry's early answers in it shows the page itself rather than "Loading…" (App.tsx, stateAtStart). It never fails:
// a chunk that cannot load fails where the page renders.
void preloadPage(window.location.pathname).then(() =>
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
