const TEN_YEARS_MS = 10 * 365.25 * 86_400_000;

/**
 * The service provider's signing key: RSA 2048 and a self-signed certificate valid for 10 years (IdPs pin the
 * certificate from the SP metadata; they do not check a chain). The caller stores it in server_settings once, so
 * every process signs and publishes the same one.
 */
export async function generateSpKeyPair(): Promise<{ privateKeyPem: string; certificatePem: string }> {
  const now = Date.now();
  // Loaded here: selfsigned (with its X.509 stack) costs ~240 ms to import, paid once, by the first SAML use.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: 'ax-admin-plane SAML service provider' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + TEN_YEARS_MS),
  });
  return { privateKeyPem: pems.private, certificatePem: pems.cert };
}
