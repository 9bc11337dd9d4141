import type { Mail } from './mailer.js';

interface Recipient {
  name: string;
  email: string;
}

/** The invitation: a single-use link to `<publicUrl>/invite/<token>`, where the console lets the user pick a password. */
export function invitationMail(to: Recipient, link: string, invitedBy: string, validDays: number): Mail {
  return {
    to: to.email,
    subject: 'You have been invited to ax',
    text: [
      `Hello ${to.name},`,
      '',
      `${invitedBy} invited you to ax, the admin console of your Arize workspace.`,
      'Choose a password and sign in here:',
      '',
      link,
      '',
      `The link works once and expires in ${validDays} days. If it has expired, ask ${invitedBy} to send a new invitation.`,
      'If you did not expect this invitation, you can ignore this mail.',
      '',
    ].join('\n'),
  };
}

/** The password reset: a single-use link to `<publicUrl>/reset/<token>`. */
export function passwordResetMail(to: Recipient, link: string, resetBy: string, validMinutes: number): Mail {
  return {
    to: to.email,
    subject: 'Reset your ax password',
    text: [
      `Hello ${to.name},`,
      '',
      `${resetBy} reset your ax password: your old password no longer works and you have been signed out.`,
      'Choose a new password here:',
      '',
      link,
      '',
      `The link works once and expires in ${validMinutes} minutes. If it has expired, ask ${resetBy} for a new one.`,
      '',
    ].join('\n'),
  };
}
