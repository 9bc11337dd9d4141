import type { AccessReason } from '../../../src/client/types.js';
import { roleNameLabel } from '../lib/format.js';
import type { GrantEndFields } from '../lib/grant-ends.js';
import { GrantEndNote } from './GrantEnd.js';
import type { ResourceKind, ResourceNames } from '../lib/resource-names.js';

const KIND: Readonly<Record<AccessReason['resource_type'], ResourceKind | undefined>> = {
  ACCOUNT: undefined,
  ORGANIZATION: 'organization',
  SPACE: 'space',
  PROJECT: 'project',
};

/** The organizations, spaces and projects that reasons name, for {@link useResourceNames}. */
export function reasonRefs(reasons: readonly AccessReason[]): [ResourceKind, string][] {
  return reasons.flatMap((r) => {
    const kind = KIND[r.resource_type];
    return kind ? [[kind, r.resource_id] as [ResourceKind, string]] : [];
  });
}

/** "space 'alpha-space'", "the account": where a grant sits, by name (never "organization 1"). */
function where(reason: AccessReason, names: ResourceNames): string {
  const kind = KIND[reason.resource_type];
  if (!kind) return 'the account';
  const name = names(kind, reason.resource_id);
  return name ? `${kind} ‘${name}’` : `this ${kind}`;
}

/**
 * One reason as a sentence from its structured fields (source, role, where it sits), not from the engine's text
 * meant for logs; the text is read only for what no field says (a restriction or a private space that cuts a grant).
 */
function reasonSentence(reason: AccessReason, names: ResourceNames): string {
  const role = reason.role_name ? roleNameLabel(reason.role_name) : 'a role';
  const at = where(reason, names);
  let grant: string;
  switch (reason.source) {
    case 'ACCOUNT_ROLE':
      grant = reason.role_name === 'ADMIN' ? 'Account admin' : `Account role ${role}, as a member of ${at}`;
      break;
    case 'ORGANIZATION_MEMBERSHIP':
    case 'SPACE_MEMBERSHIP':
      grant = `Member of ${at} as ${role}`;
      break;
    case 'SPACE_BINDING':
    case 'PROJECT_BINDING':
      grant = `Role binding ${role} on ${at}`;
      break;
    case 'RESTRICTION':
      return `${capital(at)} is restricted, and no role binding on it gives this permission`;
    case 'NONE':
      return reason.text.includes('needs account role ADMIN')
        ? 'Only account admins hold this permission'
        : `No membership or role binding on ${at} or above it gives this permission`;
  }
  if (reason.effect === 'DENY') {
    return reason.text.includes('does not reach private')
      ? `${grant}, which does not reach a private space`
      : `${grant}, which does not reach a restricted project`;
  }
  return reason.text.includes('(management permissions only') ? `${grant} (only its management permissions reach a restricted project)` : grant;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The reasons behind a decision, each once, as sentences, marked as what gives access or what stands in its way;
 * with `endOf`, a grant that ends says when (and why it was given).
 */
export function AccessReasons({ reasons, names, endOf }: { reasons: readonly AccessReason[]; names: ResourceNames; endOf?: (reason: AccessReason) => GrantEndFields | undefined }) {
  const lines = [...new Map(reasons.map((r) => [`${r.effect}|${reasonSentence(r, names)}`, r])).entries()];
  if (lines.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="reasons">
      {lines.map(([key, r]) => (
        <li key={key}>
          {r.effect === 'DENY' ? <span className="badge badge-red">Blocks</span> : <span className="badge badge-green">Gives</span>}{' '}
          {reasonSentence(r, names)}
          {r.effect === 'ALLOW' && endOf && <GrantEndNote expiresAt={endOf(r)?.expires_at} reason={endOf(r)?.reason} />}
        </li>
      ))}
    </ul>
  );
}
