import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * nodemailer is imported at the first mail, not at start (about 2 MB of an idle server's resident memory): a server
 * may send none for days, or never.
 */
function transportAtFirstMail<T extends Transporter>(create: (nodemailer: typeof import('nodemailer')) => T): { get(): Promise<T>; close(): void } {
  let loading: Promise<T> | undefined;
  let created: T | undefined;
  return {
    get: () => (loading ??= import('nodemailer').then(({ default: nodemailer }) => (created = create(nodemailer)))),
    close: () => created?.close(),
  };
}

/**
 * Mail goes over SMTP when AX_SMTP_URL is set (nodemailer: a well-kept SMTP client); otherwise each message
 * is written as an .eml file under `<data dir>/outbox/` so that a fresh install can still invite people, and
 * the log says where (never the token itself).
 */
export function createMailer(options: { smtpUrl: string | undefined; from: string; dataDir: string; log: Logger }): Mailer {
  const { smtpUrl } = options;
  if (smtpUrl) {
    const transport = transportAtFirstMail((nodemailer) => nodemailer.createTransport(smtpUrl));
    return {
      async send(mail) {
        await (await transport.get()).sendMail({ from: options.from, ...mail });
        options.log.info({ to: mail.to, subject: mail.subject }, 'mail sent');
      },
      close: transport.close,
    };
  }
  const transport = transportAtFirstMail((nodemailer) => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
  const outbox = join(options.dataDir, 'outbox');
  return {
    async send(mail) {
      const info = await (await transport.get()).sendMail({ from: options.from, ...mail });
      await mkdir(outbox, { recursive: true, mode: 0o700 });
      const file = join(outbox, `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      options.log.info({ to: mail.to, subject: mail.subject, file }, 'no SMTP server configured (AX_SMTP_URL); mail written to the outbox');
    },
    close: transport.close,
  };
}
