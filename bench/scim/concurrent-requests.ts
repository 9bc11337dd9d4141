/** One request of a batch: the body is sent as `application/scim+json`. */
export interface PlannedRequest {
  method: string;
  url: string;
  body: string;
}

/**
 * The load generator of the SCIM rows: a directory's provisioning agent keeps a few requests in flight (Entra ID
 * and Okta send a handful at a time, not a flood), so `concurrency` workers each send the next request of the list
 * when their previous answer arrives. Answers other than `expect` stop the run; answers are returned in order.
 */
export async function sendAll(
  requests: readonly PlannedRequest[], options: { concurrency: number; authorization?: string; expect: number },
): Promise<{ answers: unknown[]; ms: number }> {
  const answers = new Array<unknown>(requests.length);
  let next = 0;
  const headers = { 'content-type': 'application/scim+json', ...(options.authorization ? { authorization: options.authorization } : {}) };
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      const request = requests[i]!;
      const res = await fetch(request.url, { method: request.method, headers, body: request.body });
      const text = await res.text();
      if (res.status !== options.expect) throw new Error(`${request.method} ${request.url} answered ${res.status}: ${text.slice(0, 300)}`);
      answers[i] = text ? JSON.parse(text) : undefined;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { answers, ms: performance.now() - t0 };
}
