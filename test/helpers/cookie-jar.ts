/**
 * The browser part of the SSO tests: a cookie jar (name → value, path-scoped, expiry honoured) and single requests
 * that never follow redirects, so each test sees every hop (the 302 to the IdP, the 303 to the completion, the 302
 * home with the session cookie).
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  /** Takes the Set-Cookie headers of a response (a cookie cleared or expired is dropped). */
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key, val = ''] = attribute.split('=');
        const k = key!.toLowerCase();
        if (k === 'path') path = val;
        if (k === 'max-age' && Number(val) <= 0) expired = true;
        if (k === 'expires' && Date.parse(val) <= Date.now()) expired = true;
      }
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  /** The Cookie header for a request to `url`. */
  header(url: string | URL): string {
    const path = new URL(url).pathname;
    return [...this.cookies].filter(([, c]) => path.startsWith(c.path)).map(([name, c]) => `${name}=${c.value}`).join('; ');
  }

  /** One request with this jar's cookies, redirects not followed; the answer's cookies are kept. */
  async fetch(url: string | URL, init: { method?: string; headers?: Record<string, string>; body?: string | URLSearchParams } = {}): Promise<Response> {
    const cookie = this.header(url);
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...init.headers },
      body: init.body,
    });
    this.store(response);
    return response;
  }
}
