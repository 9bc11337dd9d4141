import { Component, type ReactNode } from 'react';
import { Alert } from './Alert.js';

/**
 * Shows a page that failed, instead of React unmounting the whole console. Pages arrive in chunks of their own,
 * so a tab opened before the console was updated asks for chunks that no longer exist: reloading fetches the new
 * ones.
 */
export class PageErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <Alert tone="error" title="This page could not be loaded">
        <p>The console may have been updated since this tab opened it.</p>
        <button type="button" className="btn" onClick={() => window.location.reload()}>
          Reload
        </button>
      </Alert>
    );
  }
}
