/** Email domains, each with whether it is validated (validated domains route sign-ins and may link existing users). */
export function DomainBadges({ domains }: { domains: readonly { domain: string; validated: boolean }[] }) {
  return (
    <ul className="sso-domains">
      {domains.map((d) => (
        <li key={d.domain}>
          <span className="mono">{d.domain}</span>{' '}
          {d.validated ? <span className="badge badge-green">Validated</span> : <span className="badge badge-gray">Not validated</span>}
        </li>
      ))}
    </ul>
  );
}
