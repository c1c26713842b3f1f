/**
 * The benchmark's data and the few v10 calls that set it up (not measured): a seed, a token, points of
 * sale, and one Reserved payment to poll.
 */
import { randomUUID } from 'node:crypto';

export const VAT = 'DK12345678';
export const STORE_ID = '6b0e5c1a-2f3d-4e8a-9b7c-1d2e3f4a5b6c';
export const CLIENT = { clientId: 'bench-pos', clientSecret: 'bench-secret' };
/** A built-in sandbox test user (credit card, no partial capture), present when SANDBOX=true. */
export const PHONE = '+4520031801';
export const AMOUNT = 12.5;

export const SEED = {
  merchants: [
    {
      vatNumber: VAT,
      name: 'Bench Café',
      brands: [
        {
          merchantBrandId: 'POSDK12345',
          brandName: 'Bench',
          stores: [
            { storeId: STORE_ID, merchantLocationId: '00001', storeName: 'Bench Store', storeStreet: 'Benchvej 1', storeZipCode: '2200', storeCity: 'København', activated: true },
          ],
        },
      ],
    },
  ],
  integrators: [{ name: 'Bench ApS', merchants: [VAT], clients: [CLIENT] }],
};

/** The headers of a v10 call; creating POSTs add X-MobilePay-Idempotency-Key. */
export const v10Headers = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  'x-mobilepay-client-system-version': '1.0.0',
  'x-mobilepay-merchant-vat-number': VAT,
  'content-type': 'application/json',
});

export interface Pos {
  posId: string;
  beaconId: string;
}

/** Unique per run, so a key or order id never collides with one of an earlier run on the same database. */
const RUN = randomUUID().slice(0, 8);
let counter = 0;
export const unique = (prefix: string) => `${prefix}-${RUN}-${++counter}`;

async function call(url: string, init: RequestInit): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text}`);
  return text === '' ? null : JSON.parse(text);
}

export class Api {
  private constructor(
    readonly base: string,
    readonly token: string,
  ) {}

  /** Client credentials with HTTP Basic. */
  static async connect(base: string): Promise<Api> {
    const basic = Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64');
    const answer = (await call(`${base}/integrator-authentication/connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    })) as { access_token: string };
    return new Api(base, answer.access_token);
  }

  v10(method: string, path: string, body?: unknown, idempotent = false): Promise<unknown> {
    const headers = { ...v10Headers(this.token), ...(idempotent ? { 'x-mobilepay-idempotency-key': unique('key') } : {}) };
    return call(`${this.base}/pos/v10${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  }

  /** The customer's phone (sandbox user simulation): needs only the bearer token. */
  simulate(action: 'checkin' | 'acceptpayment', pos: Pos): Promise<unknown> {
    return call(`${this.base}/pos/app/usersimulation/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ beaconId: pos.beaconId, phoneNumber: PHONE }),
    });
  }

  async createPos(): Promise<Pos> {
    const body = { merchantPosId: unique('till'), storeId: STORE_ID, name: 'Bench till', supportedBeaconTypes: ['QR'] };
    const { posId } = (await this.v10('POST', '/pointofsales', body, true)) as { posId: string };
    const { beaconId } = (await this.v10('GET', `/pointofsales/${posId}`)) as { beaconId: string };
    return { posId, beaconId };
  }

  async createPosPool(size: number): Promise<Pos[]> {
    const pool: Pos[] = [];
    for (let i = 0; i < size; i++) pool.push(await this.createPos());
    return pool;
  }

  /** A payment taken to Reserved the way a customer does it: initiate → check in → accept. */
  async reservedPayment(): Promise<string> {
    const pos = await this.createPos();
    const { paymentId } = (await this.v10('POST', '/payments', initiateBody(pos), true)) as { paymentId: string };
    await this.simulate('checkin', pos);
    await this.simulate('acceptpayment', pos);
    const { status } = (await this.v10('GET', `/payments/${paymentId}`)) as { status: string };
    if (status !== 'Reserved') throw new Error(`payment ${paymentId} is ${status}, expected Reserved`);
    return paymentId;
  }
}

export const initiateBody = (pos: Pos) => ({
  posId: pos.posId,
  orderId: unique('order'),
  amount: AMOUNT,
  currencyCode: 'DKK',
  plannedCaptureDelay: 'None',
});
