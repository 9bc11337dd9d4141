import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

let openDialogs = 0;

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
}

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Short text under the title, announced as the dialog's description. */
  description?: ReactNode;
  /** Element to focus when the dialog opens (default: the first field or button inside). */
  initialFocus?: RefObject<HTMLElement | null>;
  size?: 'sm' | 'md' | 'lg';
  /** When false, Escape and the backdrop do not close it (e.g. while a request is in flight). */
  dismissible?: boolean;
  /**
   * Where focus goes on close, asked at closing time: back to the opener (default), or to the page heading
   * when the opener is going away (its row was deleted).
   */
  restoreFocus?: () => 'opener' | 'heading';
}

/**
 * A modal dialog: role=dialog + aria-modal, focus moved inside on open and trapped there, the rest of the
 * page made inert, Escape closes, and focus returns to the element that opened it.
 */
export function Dialog({ title, onClose, children, description, initialFocus, size = 'md', dismissible = true, restoreFocus }: DialogProps) {
  const panel = useRef<HTMLDivElement>(null);
  const restoreRef = useRef(restoreFocus);
  restoreRef.current = restoreFocus;
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const app = document.getElementById('root');
    openDialogs += 1;
    if (app) app.inert = true;
    const el = panel.current;
    const target = initialFocus?.current ?? (el ? (focusables(el).find((f) => !f.classList.contains('dialog-close')) ?? el) : null);
    target?.focus();
    return () => {
      openDialogs -= 1;
      if (app && openDialogs === 0) app.inert = false;
      const to = restoreRef.current?.() ?? 'opener';
      if (to === 'opener' && opener && opener.isConnected) opener.focus();
      else document.getElementById('main-heading')?.focus();
    };
    // Runs once per opening: initialFocus is read at mount time only.
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      if (dismissible) onCloseRef.current();
      return;
    }
    if (e.key !== 'Tab' || !panel.current) return;
    const items = focusables(panel.current);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) {
      e.preventDefault();
      return;
    }
    if (e.shiftKey && (document.activeElement === first || document.activeElement === panel.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && dismissible) onCloseRef.current();
      }}
    >
      <div
        ref={panel}
        className={`dialog dialog-${size}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <div className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button
            type="button"
            className="dialog-close"
            aria-label="Close"
            disabled={!dismissible}
            onClick={() => onCloseRef.current()}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
        {description && (
          <p id={descriptionId} className="dialog-description">
            {description}
          </p>
        )}
        <div className="dialog-body">{children}</div>
      </div>
    </div>,
    document.body,
  );
}
