import type { AccountRoleName } from '../../../src/client/types.js';
import { ACCOUNT_ROLE_KEYS } from '../../../src/domain/account-roles.js';
import { predefinedLabel } from '../lib/format.js';
import { Field } from './Field.js';

const HINT = 'Admins manage the whole account. Members and annotators get access through organizations and spaces.';

/** The account role select of the invite and edit-user dialogs; `hintExtra` adds a sentence to the shared hint. */
export function AccountRoleField({ value, onChange, hintExtra }: { value: AccountRoleName; onChange: (role: AccountRoleName) => void; hintExtra?: string }) {
  return (
    <Field label="Account role" hint={hintExtra === undefined ? HINT : `${HINT} ${hintExtra}`}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value as AccountRoleName)}>
          {ACCOUNT_ROLE_KEYS.map((r) => (
            <option key={r} value={r}>
              {predefinedLabel(r)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
