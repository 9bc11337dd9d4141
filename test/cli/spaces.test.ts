import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stripAnsi } from '../../src/cli/output/style.js';
import { createOrganization } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';
import { runAxInTty } from './tty.js';

/** `ax spaces create` asks for what is missing on a terminal, as Arize's does (wire reference §7.2), and never hangs without one. */
let server: TestServer;
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const env = () => ({ ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: server.profileDir });

describe('ax spaces create without --name or --organization-id', () => {
  it('on a terminal asks for the name and offers the organizations to pick from', async () => {
    await createOrganization(server, 'tty-org-a');
    const orgB = await createOrganization(server, 'tty-org-b');
    const result = await runAxInTty(['spaces', 'create', '-o', 'json'], {
      env: env(),
      input: [
        { after: 'Organization:', send: '\u001b[B' },
        { after: '❯ tty-org-b', send: '\r' },
        { after: 'Space name:', send: 'asked-space\r' },
      ],
    });
    const text = stripAnsi(result.stdout);
    expect(result.code, text).toBe(0);
    expect(text).toContain('"name": "asked-space"');
    expect(text).toContain(`"organization_id": "${orgB}"`);
  });

  it('without a terminal refuses at once with exit 2 and says which flag is missing', async () => {
    const noName = await runAx(['spaces', 'create', '--organization-id', 'tty-org-a'], { env: env() });
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('✗ Error: missing --name');
    const noOrg = await runAx(['spaces', 'create', '--name', 'x'], { env: env() });
    expect(noOrg.code).toBe(2);
    expect(noOrg.stderr).toContain('✗ Error: missing --organization-id');
  });
});
