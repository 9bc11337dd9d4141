import { ApiClient } from './api-client.js';
import { Transport, type TransportOptions } from './transport.js';

/** Options of {@link createClient}. */
export type ClientOptions = TransportOptions;

/** A typed client of the `/v2` admin API over node:http(s), authenticated by an API key: one property per resource. */
export class AxClient extends ApiClient {
  constructor(options: ClientOptions) {
    super(new Transport(options));
  }
}
/**
 * Creates a client for an ax (or Arize) server.
 *
 * @example
 * import { createClient } from 'ax-admin-plane/client';
 * const ax = createClient({ endpoint: 'http://127.0.0.1:8080', apiKey: process.env.ARIZE_API_KEY });
 * const { users } = await ax.users.list({ email: 'jane' });
 */
export function createClient(options: ClientOptions): AxClient {
  return new AxClient(options);
}
