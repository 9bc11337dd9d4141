import { useId, useState, type FormEvent } from 'react';
import { ErrorAlert } from '../../components/Alert.js';
import { Section } from '../../components/PageHeader.js';
import { SubmitButton } from '../../components/SubmitButton.js';
import { Table, type Column } from '../../components/Table.js';
import { ssoApi, type Directory, type EvaluatedGrant, type EvaluateResult, type Protocol, type RoleMapping } from './sso-api.js';

const KIND_LABELS: Record<EvaluatedGrant['kind'], string> = {
  ACCOUNT_ADMIN: 'Account admin',
  ORGANIZATION_MEMBERSHIP: 'Organization role',
  SPACE_MEMBERSHIP: 'Space membership (built-in role)',
  SPACE_ROLE_BINDING: 'Space custom role',
  PROJECT_ROLE_BINDING: 'Project custom role',
};

/** `group=a` lines → `{group: ["a"]}`; a name may repeat (several values); blank lines are skipped. */
function parseAttributeLines(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    const name = (eq === -1 ? line : line.slice(0, eq)).trim();
    const value = eq === -1 ? '' : line.slice(eq + 1).trim();
    if (name) (out[name] ??= []).push(value);
  }
  return out;
}

/** A dry run of the saved rules: attributes in, the grants they would give out (nothing is written). */
export function EvaluateBox({ protocol, idpId, mappings, directory }: { protocol: Protocol; idpId: string; mappings: readonly RoleMapping[]; directory: Directory }) {
  const [text, setText] = useState('group=');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<EvaluateResult>();
  const inputId = useId();
  const hintId = useId();

  const position = (id: string) => mappings.find((m) => m.id === id)?.position;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setResult(await ssoApi.evaluate(protocol, idpId, parseAttributeLines(text)));
    } catch (err) {
      setError(err);
      setResult(undefined);
    } finally {
      setBusy(false);
    }
  };

  const columns: Column<EvaluatedGrant>[] = [
    { header: 'Grant', cell: (g) => KIND_LABELS[g.kind] },
    { header: 'On', cell: (g) => (g.resource_id ? directory.name(g.resource_id) : 'the account') },
    { header: 'Role', cell: (g) => (g.role_id ? directory.name(g.role_id) : g.kind === 'ACCOUNT_ADMIN' ? 'Admin' : '—') },
    {
      header: 'From',
      cell: (g) => (g.origin === 'DEFAULT' ? 'Default login' : g.origin === 'IMPLIED' ? 'Implied (space needs its organization)' : `Rule #${g.mapping_position ?? '?'}`),
    },
  ];

  return (
    <Section title="Evaluate" description="Try the saved rules on a user's attributes; nothing is written.">
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={inputId}>Attributes</label>
          <textarea
            id={inputId}
            aria-describedby={hintId}
            rows={4}
            className="mono"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <p className="hint" id={hintId}>
            One name=value per line, as the identity provider asserts them; repeat a name for several values (group=a, group=b).
          </p>
        </div>
        <div className="button-row">
          <SubmitButton busy={busy} busyLabel="Evaluating…">
            Evaluate
          </SubmitButton>
        </div>
      </form>
      <ErrorAlert error={error} />
      {result && (
        <div className="sso-evaluation" role="region" aria-label="Evaluation result">
          <p>
            {result.matched.length === 0
              ? result.defaults_used
                ? 'No rule matches: the default login applies.'
                : 'No rule matches and default login is off: this user could not sign in.'
              : `Matching rules: ${result.matched.map((id) => `#${position(id) ?? '?'}`).join(', ')}.`}
          </p>
          <Table caption="Grants the rules give" columns={columns} rows={result.grants} rowKey={(g) => `${g.kind}:${g.resource_id ?? ''}:${g.role_id ?? ''}`} empty="No grants." />
        </div>
      )}
    </Section>
  );
}
