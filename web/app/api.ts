/** The wallet API of the platform (`/app/api`, see src/http/routes/wallet.ts), as the page uses it. */
import type { WalletUser, WalletView } from '../../src/services/wallet-view.js';

export type { WalletPayment, WalletView } from '../../src/services/wallet-view.js';

/** A refusal of the platform, with its code and message (the error body every endpoint writes). */
export class ApiError extends Error {
  constructor(
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

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
    const error = (parsed ?? {}) as { code?: string | null; message?: string };
    throw new ApiError(error.code ?? null, error.message ?? `${response.status} ${response.statusText}`);
  }
  return parsed as T;
}

export const api = {
  users: async () => (await call<{ users: WalletUser[] }>('GET', `${base}/users`)).users,
  wallet: (phone: string) => call<WalletView>('GET', user(phone)),
  checkIn: (phone: string, beaconId: string) => call<null>('POST', `${user(phone)}/checkin`, { beaconId }),
  answer: (phone: string, paymentId: string, answer: 'accept' | 'decline') => call<null>('POST', `${user(phone)}/payments/${paymentId}/${answer}`),
};
