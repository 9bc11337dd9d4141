import { PageHeader } from '../components/PageHeader.js';
import { Link } from '../lib/router.js';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is nothing at this address. <Link to="/settings/api-keys">Go to API keys</Link>.
      </p>
    </>
  );
}
