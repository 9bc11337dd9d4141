import { useId, type ReactNode } from 'react';

interface FieldControlProps {
  id: string;
  'aria-describedby'?: string;
}

interface FieldProps {
  label: string;
  hint?: ReactNode;
  /** Renders the control with the id its label points at and the hint as its description. */
  children: (control: FieldControlProps) => ReactNode;
  className?: string;
}

/** A labelled form control with an optional hint underneath. */
export function Field({ label, hint, children, className }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': hint ? hintId : undefined })}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}
