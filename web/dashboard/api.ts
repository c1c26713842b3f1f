/** The platform's token endpoint and dashboard API (`/dashboard/api`, see src/http/routes/dashboard.ts). */
import type { Static } from '@sinclair/typebox';
import type { DashboardCallsResponse } from '../../src/http/schemas/dashboard.js';

export type Calls = Static<typeof DashboardCallsResponse>;
export type Call = Calls['calls'][number];

/** The client credentials grant, as a v10 client makes it (credentials in the form body). */
export async function signIn(clientId: string, clientSecret: string): Promise<string> {
  const response = await fetch('/integrator-authentication/connect/token', {
    method: 'POST',
    // The endpoint answers wrong credentials with WWW-Authenticate: Basic (RFC 6749); without credentials the
    // browser takes that as the answer instead of asking the user for a password of its own.
    credentials: 'omit',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!response.ok || !body.access_token) throw new Error(body.error_description ?? `sign-in failed: ${response.status}`);
  return body.access_token;
}

/** Thrown when the token is no longer accepted (expired, or the platform's keys were rotated out). */
export class SignedOut extends Error {}

export async function recentCalls(token: string, onlyTooSoon: boolean): Promise<Calls> {
  const query = new URLSearchParams({ limit: '200', ...(onlyTooSoon ? { tooSoon: 'true' } : {}) });
  const response = await fetch(`${import.meta.env.BASE_URL}api/calls?${query}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status === 401) throw new SignedOut('Your session ended: sign in again.');
  const body = (await response.json()) as Calls & { message?: string };
  if (!response.ok) throw new Error(body.message ?? `${response.status} ${response.statusText}`);
  return body;
}
