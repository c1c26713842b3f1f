/** The wallet API of the platform (`/app/api`, see src/http/routes/wallet.ts), as the page uses it. */
import type { WalletUser, WalletView } from '../../src/services/wallet-view.js';

export type { WalletPayment, WalletView } from '../../src/services/wallet-view.js';

const base = `${import.meta.env.BASE_URL}api`;
const user = (phone: string) => `${base}/users/${encodeURIComponent(phone)}`;

async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) {
    // The platform's error body names the refusal in words the page shows as they are.
    const error = (parsed ?? {}) as { message?: string };
    throw new Error(error.message ?? `${response.status} ${response.statusText}`);
  }
  return parsed as T;
}

export const api = {
  users: async () => (await call<{ users: WalletUser[] }>('GET', `${base}/users`)).users,
  wallet: (phone: string) => call<WalletView>('GET', user(phone)),
  checkIn: (phone: string, beaconId: string) => call<null>('POST', `${user(phone)}/checkin`, { beaconId }),
  answer: (phone: string, paymentId: string, answer: 'accept' | 'decline') => call<null>('POST', `${user(phone)}/payments/${paymentId}/${answer}`),
};
