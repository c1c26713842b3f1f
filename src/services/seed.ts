import { readFile } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { OnboardingError, type Onboarding } from './onboarding.js';

const Store = Type.Object(
  {
    storeId: Type.Optional(Type.String()),
    merchantLocationId: Type.String(),
    storeName: Type.String(),
    storeStreet: Type.String(),
    storeZipCode: Type.String(),
    storeCity: Type.String(),
    activated: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Brand = Type.Object(
  { merchantBrandId: Type.String(), brandName: Type.String(), stores: Type.Optional(Type.Array(Store)) },
  { additionalProperties: false },
);

const Merchant = Type.Object(
  {
    vatNumber: Type.String(),
    name: Type.String(),
    merchantId: Type.Optional(Type.String()),
    brands: Type.Optional(Type.Array(Brand)),
  },
  { additionalProperties: false },
);

const Integrator = Type.Object(
  {
    name: Type.String(),
    /** The VAT numbers of the merchants the integrator may act for (SPEC §7). */
    merchants: Type.Optional(Type.Array(Type.String())),
    clients: Type.Optional(
      Type.Array(Type.Object({ clientId: Type.String(), clientSecret: Type.String() }, { additionalProperties: false })),
    ),
    callbackAliases: Type.Optional(
      Type.Array(Type.Object({ alias: Type.String(), url: Type.String() }, { additionalProperties: false })),
    ),
  },
  { additionalProperties: false },
);

const User = Type.Object(
  {
    phoneNumber: Type.String(),
    paymentSource: Type.Union([Type.Literal('Credit'), Type.Literal('Debit')]),
    loyaltyIds: Type.Optional(Type.Array(Type.String())),
    partialCapturePossible: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const Seed = Type.Object(
  {
    merchants: Type.Optional(Type.Array(Merchant)),
    integrators: Type.Optional(Type.Array(Integrator)),
    users: Type.Optional(Type.Array(User)),
  },
  { additionalProperties: false },
);
export type Seed = Static<typeof Seed>;

/** A seed that cannot be applied; the message names the field (a JSON pointer into the file). */
export class SeedError extends Error {}

export async function readSeedFile(path: string): Promise<Seed> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new SeedError(`seed file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const firstError = Value.Errors(Seed, data).First();
  if (firstError) throw new SeedError(`seed file ${path}: ${firstError.path || '/'}: ${firstError.message}`);
  return data as Seed;
}

/** Applies a seed through the operator's own operations; applying it again changes nothing. */
export async function applySeed(onboarding: Onboarding, seed: Seed, source = 'seed'): Promise<void> {
  const at = async (path: string, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (error) {
      if (error instanceof OnboardingError) throw new SeedError(`${source}: ${path}: ${error.message}`);
      throw error;
    }
  };
  for (const [m, merchant] of (seed.merchants ?? []).entries()) {
    await at(`/merchants/${m}`, () => onboarding.upsertMerchant(merchant));
    for (const [b, brand] of (merchant.brands ?? []).entries()) {
      await at(`/merchants/${m}/brands/${b}`, () => onboarding.upsertBrand(merchant.vatNumber, brand));
      for (const [s, store] of (brand.stores ?? []).entries()) {
        await at(`/merchants/${m}/brands/${b}/stores/${s}`, () => onboarding.upsertStore(brand.merchantBrandId, store));
      }
    }
  }
  for (const [i, integrator] of (seed.integrators ?? []).entries()) {
    await at(`/integrators/${i}`, () => onboarding.upsertIntegrator(integrator.name));
    for (const [v, vatNumber] of (integrator.merchants ?? []).entries()) {
      await at(`/integrators/${i}/merchants/${v}`, () => onboarding.linkMerchant(integrator.name, vatNumber));
    }
    for (const [c, client] of (integrator.clients ?? []).entries()) {
      await at(`/integrators/${i}/clients/${c}`, () => onboarding.upsertClient(integrator.name, client.clientId, client.clientSecret));
    }
    for (const [a, alias] of (integrator.callbackAliases ?? []).entries()) {
      await at(`/integrators/${i}/callbackAliases/${a}`, () => onboarding.upsertCallbackAlias(integrator.name, alias.alias, alias.url));
    }
  }
  for (const [u, user] of (seed.users ?? []).entries()) {
    await at(`/users/${u}`, () => onboarding.upsertCustomer(user));
  }
}
