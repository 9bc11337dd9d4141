import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieJar } from './cookie-jar.js';

/** Debian's packages (identity.md §12.2); without them the tests that need them are reported skipped. */
export const SIMPLESAMLPHP_INSTALLED = existsSync('/usr/bin/php') && existsSync('/usr/share/simplesamlphp');

export interface SimpleSamlPhp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The IdP's metadata: what an identity provider's `metadata_url` is set to. */
  metadataUrl: string;
  /**
   * The browser at the IdP: follows the server's AuthnRequest redirect, signs in at the username/password form and
   * returns the auto-submitted form for the ACS — or, when the IdP refuses the password, `undefined`.
   */
  signIn(authnRequestUrl: string, username: string, password: string): Promise<{ acsUrl: string; form: Record<string, string> } | undefined>;
  /** Changes a user's `group` values at the IdP (as an IdP admin would): its next assertion carries them. */
  setGroups(username: 'alice' | 'bob', groups: string[]): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const php = (value: string) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** The hidden inputs of an HTML form, by name (SimpleSAMLphp escapes values as HTML). */
function hiddenInputs(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const input of page.matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]*)"/i.exec(input[0])?.[1];
    const value = /value="([^"]*)"/i.exec(input[0])?.[1];
    if (name !== undefined && value !== undefined) fields[name] = decodeEntities(value);
  }
  return fields;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x?[0-9a-f]+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[entity.toLowerCase()]) return named[entity.toLowerCase()]!;
    return String.fromCodePoint(entity[1]!.toLowerCase() === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
  });
}

/**
 * SimpleSAMLphp (a real third-party SAML IdP) served by `php -S` on a free loopback port, set up exactly as
 * identity.md §12.2 says, in a temporary directory, for the server under test at `spUrl`: users alice (groups
 * my-admins, team-ml) and bob (my-users), the assertion signed, the response not.
 */
export async function startSimpleSamlPhp(spUrl: string): Promise<SimpleSamlPhp> {
  // freePort() closes its probe before `php -S` binds the port, and another process may take it meanwhile (seen in a
  // CI run on PostgreSQL: "Address already in use"): a few tries, each on a port of its own.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePort(spUrl);
    } catch (error) {
      if (attempt === 3 || !(error instanceof PortTakenError)) throw error;
    }
  }
}

/** `php -S` found its port taken between freePort() and its own bind. */
class PortTakenError extends Error {}

async function startOnFreePort(spUrl: string): Promise<SimpleSamlPhp> {
  const dir = await mkdtemp(join(tmpdir(), 'ax-ssp-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  for (const sub of ['config', 'metadata', 'cert', 'log', 'data', 'tmp', 'sessions']) await mkdir(join(dir, sub));
  // 1. The packaged config.php, with the settings of §12.2 (set after its array; its secrets include is not ours to read).
  const packaged = (await readFile('/etc/simplesamlphp/config.php', 'utf8')).replace(/^require_once\(.*secrets\.inc\.php.*$/m, '');
  await writeFile(join(dir, 'config/config.php'), `${packaged}
$config['baseurlpath'] = ${php(`${url}/`)};
$config['certdir'] = ${php(`${dir}/cert/`)};
$config['loggingdir'] = ${php(`${dir}/log/`)};
$config['datadir'] = ${php(`${dir}/data/`)};
$config['tempdir'] = ${php(`${dir}/tmp`)};
$config['metadatadir'] = ${php(`${dir}/metadata/`)};
// PHP's own session folder (/var/lib/php/sessions) would keep every session of every run.
$config['session.phpsession.savepath'] = ${php(`${dir}/sessions`)};
$config['secretsalt'] = ${php(Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2))};
$config['enable.saml20-idp'] = true;
$config['module.enable']['exampleauth'] = true;
$config['session.cookie.secure'] = false;
// Chromium refuses the packaged SameSite=None on a cookie without Secure (plain http on loopback): no SameSite.
$config['session.cookie.samesite'] = null;
$config['language.cookie.samesite'] = null;
$config['logging.handler'] = 'stderr';
`);
  // 2. The users (php -S reads the configuration at every request, so a rewrite is the IdP admin's change).
  const groups = { alice: ['my-admins', 'team-ml'], bob: ['my-users'] };
  const writeUsers = () => writeFile(join(dir, 'config/authsources.php'), `<?php
$config = [
  'admin' => ['core:AdminPassword'],
  'example-userpass' => [
    'exampleauth:UserPass',
    'alice:alicepw' => ['email' => 'alice@example.test', 'name' => 'Alice A', 'group' => [${groups.alice.map(php).join(', ')}]],
    'bob:bobpw' => ['email' => 'bob@example.test', 'name' => 'Bob B', 'group' => [${groups.bob.map(php).join(', ')}]],
  ],
];
`);
  await writeUsers();
  // 3. The hosted IdP.
  await writeFile(join(dir, 'metadata/saml20-idp-hosted.php'), `<?php
$metadata['__DYNAMIC:1__'] = [
  'host' => '__DEFAULT__', 'privatekey' => 'idp.pem', 'certificate' => 'idp.crt', 'auth' => 'example-userpass',
  'NameIDFormat' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'simplesaml.nameidattribute' => 'email',
  'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
];
`);
  // 4. The server under test as the SP.
  await writeFile(join(dir, 'metadata/saml20-sp-remote.php'), `<?php
$metadata[${php(spUrl)}] = [
  'AssertionConsumerService' => ${php(`${spUrl}/auth/v2/saml`)},
  'NameIDFormat' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'simplesaml.nameidattribute' => 'email',
  'saml20.sign.assertion' => true, 'saml20.sign.response' => false,
];
`);
  // 5. The IdP's key and certificate.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=test-idp',
    '-keyout', join(dir, 'cert/idp.pem'), '-out', join(dir, 'cert/idp.crt')], { stdio: 'ignore' });
  // 6. Serve it.
  const child: ChildProcess = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', '/usr/share/simplesamlphp/www'], {
    env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: join(dir, 'config') }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const metadataUrl = `${url}/saml2/idp/metadata.php`;
  const close = async () => {
    if (child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(metadataUrl);
      if (res.status === 200 && (await res.text()).includes('EntityDescriptor')) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline || child.exitCode !== null) {
      await close();
      const printed = stderr.join('').slice(-2000);
      throw new (printed.includes('Address already in use') ? PortTakenError : Error)(`SimpleSAMLphp did not start: ${printed}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url, metadataUrl, close,
    async setGroups(username, values) {
      groups[username] = values;
      await writeUsers();
    },
    async signIn(authnRequestUrl, username, password) {
      const jar = new CookieJar();
      // 7. Follow the redirects to the login form and read AuthState.
      let res = await jar.fetch(authnRequestUrl);
      let at = new URL(authnRequestUrl);
      for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 10; hops++) {
        at = new URL(res.headers.get('location')!, at);
        res = await jar.fetch(at);
      }
      const loginPage = await res.text();
      const authState = hiddenInputs(loginPage).AuthState;
      if (!authState) throw new Error(`no AuthState on ${at.href} (${res.status}): ${loginPage.slice(0, 500)}`);
      const loginUrl = new URL('/module.php/core/loginuserpass.php', url);
      res = await jar.fetch(loginUrl, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password, AuthState: authState }),
      });
      at = loginUrl;
      for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 10; hops++) {
        at = new URL(res.headers.get('location')!, at);
        res = await jar.fetch(at);
      }
      const page = await res.text();
      const fields = hiddenInputs(page);
      if (!fields.SAMLResponse) return undefined;
      const action = /<form[^>]*action="([^"]*)"/i.exec(page)?.[1];
      return { acsUrl: decodeEntities(action ?? ''), form: fields };
    },
  };
}
