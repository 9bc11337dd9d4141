import { useState } from 'react';
import type { CreatedApiKey } from '../../../../src/client/types.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Tabs } from '../../components/Tabs.js';
import './api-keys.css';

type Usage = 'curl' | 'ax' | 'env';

/** Where this console's server answers, as the CLI and Arize's SDKs address it. */
function endpoint() {
  const { origin, protocol, hostname, port } = window.location;
  const scheme = protocol.replace(':', '');
  return { origin, scheme, host: hostname, port: port || (scheme === 'https' ? '443' : '80') };
}

/** A profile name the CLI accepts (`[A-Za-z0-9_-]+`), from the key's name. */
function profileName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'default';
}

function snippets(apiKey: CreatedApiKey): Record<Usage, string> {
  const { origin, scheme, host, port } = endpoint();
  return {
    curl: `curl -H "Authorization: Bearer ${apiKey.key}" ${origin}/v2/me`,
    ax: `ax profiles create ${profileName(apiKey.name)} --api-key ${apiKey.key} --endpoint ${origin}`,
    env: [
      `export ARIZE_API_KEY=${apiKey.key}`,
      `export ARIZE_API_HOST=${host}`,
      `export ARIZE_API_SCHEME=${scheme}`,
      `export ARIZE_API_PORT=${port}`,
    ].join('\n'),
  };
}

const LABELS: { id: Usage; label: string; hint: string }[] = [
  { id: 'curl', label: 'curl', hint: 'Calls the API with the key as the bearer token: the answer says who the key acts as.' },
  { id: 'ax', label: 'ax CLI', hint: 'Saves the key in a CLI profile and makes it the active one.' },
  { id: 'env', label: 'Arize SDKs', hint: "Environment variables Arize's SDKs (Python, Go, TypeScript) and the ax CLI read." },
];

/** How to use a key just created, with the key in it: shown beside the key, once, like the key itself. */
export function KeyUsage({ apiKey }: { apiKey: CreatedApiKey }) {
  const [usage, setUsage] = useState<Usage>('curl');
  const text = snippets(apiKey)[usage];
  const chosen = LABELS.find((l) => l.id === usage);
  return (
    <section className="key-usage" aria-label="Use this key">
      <h3 className="key-usage-title">Use this key</h3>
      <Tabs label="Use this key with" tabs={LABELS} selected={usage} onSelect={(id) => setUsage(id as Usage)}>
        <p className="muted small">{chosen?.hint}</p>
        <div className="key-usage-snippet">
          <pre className="mono" tabIndex={0} aria-label={`${chosen?.label ?? ''} snippet`}>
            <code>{text}</code>
          </pre>
          <CopyButton text={text} label="Copy snippet" />
        </div>
      </Tabs>
    </section>
  );
}
