import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert, ErrorAlert } from '../../components/Alert.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Dialog } from '../../components/Dialog.js';
import { Field } from '../../components/Field.js';
import { ExpiryPicker, useExpiryChoice } from '../../components/ExpiryPicker.js';
import { FormActions } from '../../components/FormActions.js';
import { formatDateTime } from '../../lib/format.js';
import type { Protocol } from '../sso/sso-api.js';
import { scimApi, type CreatedScimToken } from './scim-api.js';

interface NewScimTokenDialogProps {
  protocol: Protocol;
  idpId: string;
  providerName: string;
  baseUrl: string | undefined;
  onClose: () => void;
  onCreated: () => void;
}

/** Creates a SCIM token for one identity provider; the raw token is then shown once, like a new API key. */
export function NewScimTokenDialog({ protocol, idpId, providerName, baseUrl, onClose, onCreated }: NewScimTokenDialogProps) {
  const [name, setName] = useState('');
  const expiry = useExpiryChoice();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState<CreatedScimToken>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const expires_at = expiry.iso();
    if (expiry.incomplete()) {
      setError(new Error('Choose an expiry date and time.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const token = await scimApi.createToken(protocol, idpId, { name: name.trim() || undefined, expires_at });
      setCreated(token);
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Dialog title="SCIM token created" onClose={onClose}>
        <CreatedToken token={created} providerName={providerName} baseUrl={baseUrl} onDone={onClose} />
      </Dialog>
    );
  }

  return (
    <Dialog
      title="New SCIM token"
      onClose={onClose}
      dismissible={!busy}
      description={
        <>
          The directory (Okta, Entra ID, …) sends it with every provisioning request for <strong>{providerName}</strong>. Up to five tokens can be live
          at once, so a new one can replace an old one without a gap.
        </>
      }
    >
      <form onSubmit={submit} className="form">
        <Field label="Token name" hint="Optional: what uses it, e.g. “Okta production”.">
          {(p) => <input {...p} maxLength={255} value={name} onChange={(e) => setName(e.target.value)} placeholder="SCIM token" />}
        </Field>
        <ExpiryPicker expiry={expiry} days={[90, 180, 365]} />
        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose} busyLabel="Creating…">
          Create token
        </FormActions>
      </form>
    </Dialog>
  );
}

/** The raw token, shown once: it lives only in this component's props and is gone when the dialog closes. */
function CreatedToken({ token, providerName, baseUrl, onDone }: { token: CreatedScimToken; providerName: string; baseUrl: string | undefined; onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [token.token]);
  return (
    <div className="form">
      <Alert tone="warning" title="Copy this token now">
        For security it will not be shown again. Paste it into the directory&apos;s provisioning settings (Okta: the HTTP Header bearer token;
        Entra ID: Secret Token).
      </Alert>
      <div className="field">
        <label htmlFor="created-scim-token">SCIM token “{token.name}” for {providerName}</label>
        <div className="input-with-button">
          <input ref={input} id="created-scim-token" className="mono" readOnly value={token.token} spellCheck={false} onFocus={(e) => e.target.select()} />
          <CopyButton text={token.token} />
        </div>
      </div>
      {baseUrl && (
        <p>
          With the SCIM base URL <span className="mono">{baseUrl}</span>.
        </p>
      )}
      {token.expires_at && <p className="muted">Expires {formatDateTime(token.expires_at)}.</p>}
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
