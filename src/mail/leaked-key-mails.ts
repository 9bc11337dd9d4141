import type { Mail } from './mailer.js';

/**
 * To a key's owner and the account's admins, once a secret scanner (or someone with `ax api-keys report-leak`) found
 * the key in public and the server revoked it: which key, where it was found, and what to do next. Never the secret.
 */
export function leakedKeyMail(
  to: { name: string; email: string },
  key: { name: string; redactedKey: string; keyType: 'USER' | 'SERVICE' },
  found: { reporter: string; url?: string | undefined; source?: string | undefined; revokedAt: string; link: string },
): Mail {
  return {
    to: to.email,
    subject: `API key "${key.name}" was found in public and has been revoked`,
    text: [
      `Hello ${to.name},`,
      '',
      `The ${key.keyType === 'SERVICE' ? 'service' : 'user'} API key "${key.name}" (${key.redactedKey}) was reported as exposed by ${found.reporter}`
        + `${found.source ? ` (${found.source})` : ''}${found.url ? ` at:` : '.'}`,
      ...(found.url ? ['', `  ${found.url}`] : []),
      '',
      `ax revoked it at ${found.revokedAt}: it no longer authenticates anywhere. Anything that still uses it needs a new`,
      'key; remove the exposed one from where it was published, and check the audit log for what it did before:',
      '',
      found.link,
      '',
    ].join('\n'),
  };
}
