import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RefusedAddressError, type CallbackUrlRule } from '../services/callback-urls.js';

/** How one POST to a callback ended: the receiver's status, no answer (why), or stopped by our own shutdown. */
export type PostOutcome = { status: number } | { error: string } | { stopped: true };

/**
 * POSTs `body` to an integrator's callback URL. node:http rather than fetch: it follows no redirect (a 3xx is
 * just the status of a failed attempt, never a second request to wherever it points) and it takes our own DNS
 * lookup, which in production mode refuses non-public addresses as the connection is made. No connection is
 * kept for reuse: every delivery connects, so every delivery is checked. The answer's status is all that
 * counts, so the body is not read. `stop` aborts at once (the process is shutting down).
 */
export function postCallback(url: string, body: string, rule: CallbackUrlRule, options: { timeoutMs: number; stop: AbortSignal }): Promise<PostOutcome> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ error: `refused: "${url}" is not a URL` });
  }
  const refusal = rule.refusalBeforeConnect(target);
  if (refusal) return Promise.resolve({ error: `refused: ${refusal}` });
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return Promise.resolve({ error: `refused: ${target.protocol} is not HTTP` });
  if (options.stop.aborted) return Promise.resolve({ stopped: true });

  const timeout = AbortSignal.timeout(options.timeoutMs);
  return new Promise((resolve) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      agent: false,
      lookup: rule.lookup,
      signal: AbortSignal.any([options.stop, timeout]),
    });
    request.on('response', (response) => {
      resolve({ status: response.statusCode ?? 0 });
      response.destroy();
    });
    request.on('error', (error) => {
      if (options.stop.aborted) resolve({ stopped: true });
      else if (timeout.aborted) resolve({ error: `no answer within ${options.timeoutMs} ms` });
      else if (error instanceof RefusedAddressError) resolve({ error: `refused: ${error.message}` });
      else resolve({ error: error.message });
    });
    request.end(body);
  });
}
