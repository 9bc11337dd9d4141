import { PageHeader } from '../components/PageHeader.js';
import { CliLoginsTable } from './cli-logins/CliLoginsTable.js';

/** Settings → CLI logins: where `ax auth login` signed the user in, and ending any of them. */
export function CliLoginsPage() {
  return (
    <>
      <PageHeader title="CLI logins" crumbs={[{ label: 'Settings', to: '/settings/api-keys' }]}>
        <p>
          Each <code>ax auth login</code> signs a terminal in as you, with your permissions, for up to 90 days. Revoke a login you no longer use or
          do not recognise.
        </p>
      </PageHeader>
      <CliLoginsTable />
    </>
  );
}
