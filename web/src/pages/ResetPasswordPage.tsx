import { auth } from '../lib/api.js';
import { AuthCard } from '../components/AuthCard.js';
import { NewPasswordForm } from '../components/NewPasswordForm.js';
import { Link } from '../lib/router.js';

/** /reset/<token>: the mailed password-reset link. */
export function ResetPasswordPage({ token, onDone }: { token: string; onDone: () => void }) {
  const save = async (password: string) => {
    await auth.resetPassword(token, password);
    onDone();
  };

  return (
    <AuthCard title="Choose a new password" footer={<Link to="/login">Back to sign in</Link>}>
      <NewPasswordForm save={save} confirmLabel="Confirm password" busyLabel="Saving…" submitLabel="Change password" />
    </AuthCard>
  );
}
