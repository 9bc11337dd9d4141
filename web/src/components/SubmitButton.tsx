import type { ReactNode } from 'react';

interface SubmitButtonProps {
  busy: boolean;
  busyLabel: string;
  children: ReactNode;
  className?: string;
  disabled?: boolean;
}

/**
 * A form's submit button. While busy it is aria-disabled rather than disabled, so keyboard focus stays on
 * it (a disabled button drops focus to the page body), and clicks or Enter are ignored.
 */
export function SubmitButton({ busy, busyLabel, children, className = 'btn btn-primary', disabled }: SubmitButtonProps) {
  return (
    <button
      type="submit"
      className={className}
      disabled={disabled}
      aria-disabled={busy || undefined}
      onClick={(e) => {
        if (busy) e.preventDefault();
      }}
    >
      {busy ? busyLabel : children}
    </button>
  );
}
