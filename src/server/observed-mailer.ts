import { telemetry } from '../domain/telemetry.js';
import type { Mailer } from '../mail/mailer.js';

const QUEUED = Object.freeze({ stage: 'queued' as const });
const SENT = Object.freeze({ stage: 'sent' as const });
const FAILED = Object.freeze({ stage: 'failed' as const });

/** The mailer, telling the telemetry channel about each mail (the mail metrics: queued, sent, failed, in flight). */
export function observedMailer(mailer: Mailer): Mailer {
  const publish = (event: typeof QUEUED | typeof SENT | typeof FAILED) => {
    if (telemetry.mail.hasSubscribers) telemetry.mail.publish(event);
  };
  return {
    async send(mail) {
      publish(QUEUED);
      try {
        await mailer.send(mail);
      } catch (error) {
        publish(FAILED);
        throw error;
      }
      publish(SENT);
    },
    close: () => mailer.close(),
  };
}
