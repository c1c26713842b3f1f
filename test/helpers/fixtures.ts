import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Seed } from '../../src/services/seed.js';

/**
 * Two merchants and two integrators, so every ownership rule has someone else's resource to be refused.
 * Merchant A has an activated and a not-activated store; merchant B one store.
 */
export const MERCHANT_A = 'DK11111111';
export const MERCHANT_B = 'DK22222222';
export const STORE_A1 = '0a000000-0000-4000-8000-000000000001';
export const STORE_A2_INACTIVE = '0a000000-0000-4000-8000-000000000002';
export const STORE_B1 = '0b000000-0000-4000-8000-000000000001';
export const CLIENT_1 = { clientId: 'kasse-pos', clientSecret: 'kasse-secret' };
export const CLIENT_2 = { clientId: 'other-pos', clientSecret: 'other-secret' };

export const TEST_SEED: Seed = {
  merchants: [
    {
      vatNumber: MERCHANT_A,
      name: 'Café Aurora',
      brands: [
        {
          merchantBrandId: 'POSDK11111',
          brandName: 'Aurora',
          stores: [
            { storeId: STORE_A1, merchantLocationId: '00001', storeName: 'Aurora Nørrebro', storeStreet: 'Jægersborggade 1', storeZipCode: '2200', storeCity: 'København', activated: true },
            { storeId: STORE_A2_INACTIVE, merchantLocationId: '00002', storeName: 'Aurora Aarhus', storeStreet: 'Åboulevarden 2', storeZipCode: '8000', storeCity: 'Aarhus', activated: false },
          ],
        },
      ],
    },
    {
      vatNumber: MERCHANT_B,
      name: 'Bageriet Birk',
      brands: [
        {
          merchantBrandId: 'POSDK22222',
          brandName: 'Birk',
          stores: [{ storeId: STORE_B1, merchantLocationId: '00001', storeName: 'Birk Vesterbro', storeStreet: 'Istedgade 3', storeZipCode: '1650', storeCity: 'København', activated: true }],
        },
      ],
    },
  ],
  // Both integrators act for both merchants (a merchant may use several PoS vendors), so 1400-1411 have an
  // integrator and a merchant of each kind to separate.
  integrators: [
    { name: 'Kasse ApS', merchants: [MERCHANT_A, MERCHANT_B], clients: [CLIENT_1] },
    { name: 'Other Vendor', merchants: [MERCHANT_A, MERCHANT_B], clients: [CLIENT_2] },
  ],
};

export async function tokenFor(app: FastifyInstance, client = CLIENT_1, merchantVat?: string): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/integrator-authentication/connect/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      ...(merchantVat ? { merchant_vat: merchantVat } : {}),
    }).toString(),
  });
  if (response.statusCode !== 200) throw new Error(`token request failed: ${response.statusCode} ${response.body}`);
  return response.json<{ access_token: string }>().access_token;
}

export interface V10CallOptions {
  token: string;
  vat?: string | null;
  idempotencyKey?: string;
  /** Extra headers; a header set to undefined is left out (to test a missing one). */
  headers?: Record<string, string | string[] | undefined>;
}

/** The headers a well-behaved client sends; `vat: null` leaves the VAT header out, an undefined extra header too. */
export function v10Headers(options: V10CallOptions, hasBody = false): Record<string, string> {
  const headers: Record<string, string | string[] | undefined> = {
    authorization: `Bearer ${options.token}`,
    'x-mobilepay-client-system-version': '1.2.3',
    ...(options.vat === null ? {} : { 'x-mobilepay-merchant-vat-number': options.vat ?? MERCHANT_A }),
    ...(options.idempotencyKey ? { 'x-mobilepay-idempotency-key': options.idempotencyKey } : {}),
    ...(hasBody ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  for (const [name, value] of Object.entries(headers)) if (value === undefined) delete headers[name];
  return headers as Record<string, string>;
}

/** A v10 call; a body is sent as JSON. */
export function v10(app: FastifyInstance, method: InjectOptions['method'], url: string, options: V10CallOptions, body?: unknown) {
  const hasBody = body !== undefined;
  return app.inject({ method, url: `/pos/v10${url}`, headers: v10Headers(options, hasBody), ...(hasBody ? { payload: JSON.stringify(body) } : {}) });
}
