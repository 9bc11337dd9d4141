import type { PredefinedRoleName, Role, RoleAssignment } from '../../../src/client/types.js';
import { predefinedLabel } from '../lib/format.js';

function encodeRole(role: RoleAssignment): string {
  return role.type === 'PREDEFINED' ? `PREDEFINED:${role.name}` : `CUSTOM:${role.id}`;
}

function decodeRole(value: string): RoleAssignment {
  const i = value.indexOf(':');
  const type = value.slice(0, i);
  const rest = value.slice(i + 1);
  return type === 'CUSTOM' ? { type: 'CUSTOM', id: rest } : { type: 'PREDEFINED', name: rest as PredefinedRoleName };
}

interface RoleSelectProps {
  id: string;
  value: RoleAssignment | undefined;
  onChange: (role: RoleAssignment) => void;
  /** The predefined roles to offer (already narrowed to what the caller may grant). */
  predefined: readonly PredefinedRoleName[];
  /** A predefined role's label (default: the name the server publishes, e.g. "Read Only"). */
  label?: (name: PredefinedRoleName) => string;
  /** Custom roles to offer after the predefined ones. */
  custom?: readonly Role[];
  disabled?: boolean;
  required?: boolean;
  describedBy?: string;
}

/** A role assignment picker (PREDEFINED by name, CUSTOM by id); label it with <label htmlFor={id}>. */
export function RoleSelect({ id, value, onChange, predefined, label = predefinedLabel, custom = [], disabled, required, describedBy }: RoleSelectProps) {
  return (
    <select
      id={id}
      value={value ? encodeRole(value) : ''}
      onChange={(e) => onChange(decodeRole(e.target.value))}
      disabled={disabled}
      required={required}
      aria-describedby={describedBy}
    >
      {!value && (
        <option value="" disabled>
          Choose a role
        </option>
      )}
      {custom.length > 0 ? (
        <>
          <optgroup label="Predefined roles">
            {predefined.map((name) => (
              <option key={name} value={`PREDEFINED:${name}`}>
                {label(name)}
              </option>
            ))}
          </optgroup>
          <optgroup label="Custom roles">
            {custom.map((r) => (
              <option key={r.id} value={`CUSTOM:${r.id}`}>
                {r.name}
              </option>
            ))}
          </optgroup>
        </>
      ) : (
        predefined.map((name) => (
          <option key={name} value={`PREDEFINED:${name}`}>
            {label(name)}
          </option>
        ))
      )}
    </select>
  );
}
