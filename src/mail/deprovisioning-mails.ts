import type { Mail } from './mailer.js';

/** A SERVICE key as the mail names it: never its secret, only its name and redacted form. */
export interface MailedServiceKey { name: string; redactedKey: string }

/**
 * To an account admin, after a directory (SCIM) deprovisioned a person who created SERVICE keys: they keep working
 * (they belong to the account) and the directory could not ask what to do with them, so the admin decides — transfer,
 * rotate or revoke — on the console's API-keys page.
 */
export function orphanedServiceKeysMail(
  to: { name: string; email: string },
  person: { name: string; email: string },
  details: { deleted: boolean; keys: readonly MailedServiceKey[]; link: string },
): Mail {
  const what = details.deleted ? 'deleted' : 'deactivated';
  const one = details.keys.length === 1;
  const count = one ? '1 service key' : `${details.keys.length} service keys`;
  return {
    to: to.email,
    subject: `${person.name} was ${what} by your directory: ${count} they created still work${one ? 's' : ''}`,
    text: [
      `Hello ${to.name},`,
      '',
      `Your identity provider's directory (SCIM) ${what} ${person.name} (${person.email}) in ax. Their sign-in, sessions,`,
      'CLI logins and user API keys stopped at once.',
      '',
      `${count} they created keep${one ? 's' : ''} working, because pipelines must not stop when someone leaves:`,
      '',
      ...details.keys.map((k) => `  - ${k.name} (${k.redactedKey})`),
      '',
      'They may still hold these secrets. Transfer each key to a new owner, rotate it or revoke it here:',
      '',
      details.link,
      '',
    ].join('\n'),
  };
}
