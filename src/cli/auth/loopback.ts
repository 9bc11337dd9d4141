import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What came back to the redirect URI (`?code&state` or `?error&error_description&state`). */
export interface CallbackAnswer {
  code: string | undefined;
  state: string | undefined;
  error: string | undefined;
  errorDescription: string | undefined;
}

export function callbackAnswer(params: URLSearchParams): CallbackAnswer {
  return {
    code: params.get('code') ?? undefined,
    state: params.get('state') ?? undefined,
    error: params.get('error') ?? undefined,
    errorDescription: params.get('error_description') ?? undefined,
  };
}

/** Why a browser answer ends the login, shown on the result page; undefined when it carries a code for this login. */
export function refusal(answer: CallbackAnswer, state: string): string | undefined {
  if (answer.state !== state) return 'the answer did not match this login (state)';
  if (answer.error) return answer.errorDescription ? `${answer.error}: ${answer.errorDescription}` : answer.error;
  if (!answer.code) return 'the answer carried no authorization code';
  return undefined;
}

/**
 * A one-shot listener on `127.0.0.1:<random port>` for the browser's redirect (RFC 8252 §7.3). Only `/callback`
 * answers (anything else 404); the first answer is checked against `state`, the browser is sent on to the server's
 * result page `{app}/auth/cli/callback?status=…`, and the listener closes.
 */
export class LoopbackListener {
  readonly answer: Promise<CallbackAnswer>;
  private readonly server: http.Server;
  private deliver!: (answer: CallbackAnswer) => void;

  private constructor(private readonly app: string, private readonly state: string) {
    this.answer = new Promise((resolve) => (this.deliver = resolve));
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  static async start(app: string, state: string): Promise<LoopbackListener & { port: number }> {
    const listener = new LoopbackListener(app, state);
    await new Promise<void>((resolve, reject) => {
      listener.server.once('error', reject);
      listener.server.listen(0, '127.0.0.1', resolve);
    });
    return Object.assign(listener, { port: (listener.server.address() as AddressInfo).port });
  }

  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('Not found\n');
      return;
    }
    const answer = callbackAnswer(url.searchParams);
    const reason = refusal(answer, this.state);
    const result = new URLSearchParams(reason === undefined ? { status: 'success' } : { status: 'error', reason: pageReason(reason) });
    // Closed once the redirect is flushed: closing at once could cut it off, leaving the browser on an error.
    res.once('finish', () => this.close());
    res.writeHead(302, { location: `${this.app}/auth/cli/callback?${result}`, connection: 'close' }).end();
    this.deliver(answer);
  }
}

/** The reason as the result page shows it: one line (no CR/LF, which could split headers), at most 200 characters. */
function pageReason(reason: string): string {
  return reason.replace(/[\r\n]+/g, ' ').slice(0, 200);
}
