import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { sameProfile, type CustomerRecord } from '../domain/customer.js';
import { isClientId, isGuid, isMerchantBrandId, isPhoneNumber, isVatNumber, newId } from '../domain/ids.js';
import { isValidText } from '../domain/valid-chars.js';
import type { Db } from '../store/database.js';
import { customersRepository } from '../store/repositories/customers.js';
import { integratorsRepository } from '../store/repositories/integrators.js';
import { merchantsRepository } from '../store/repositories/merchants.js';
import { platformStateRepository } from '../store/repositories/platform-state.js';
import type { Merchant, NewStore, StoreDetails } from '../domain/merchant.js';
import type { Integrator } from '../domain/integrator.js';
import type { CallbackUrlRule } from './callback-urls.js';
import { generateSecret, hashSecret, verifySecret } from './secrets.js';
import { isMerchantLocationId } from './stores.js';

/** A refused operator request; the message names what is wrong. */
export class OnboardingError extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new OnboardingError(message);
}

export interface StoreInput {
  storeId?: string;
  merchantLocationId: string;
  storeName: string;
  storeStreet: string;
  storeZipCode: string;
  storeCity: string;
  activated?: boolean;
}

export interface CustomerInput {
  phoneNumber: string;
  paymentSource: 'Credit' | 'Debit';
  loyaltyIds?: string[];
  partialCapturePossible?: boolean;
}

const randomToken = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * What an operator does to onboard merchants and integrators. Every operation is an upsert keyed by the
 * natural id (VAT number, brand id, brand + location, integrator name, client id, alias, phone number),
 * so the seed file can be applied at every start and the CLI can be re-run: the same input changes nothing.
 */
export class Onboarding {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly callbackUrls: CallbackUrlRule,
    /** Called after a link, unlink, disable or enable, so this process applies it at once (AccessSnapshot). */
    private readonly onAccessChange: () => Promise<void> = async () => {},
  ) {}

  async upsertMerchant(input: { vatNumber: string; name: string; merchantId?: string }): Promise<Merchant> {
    check(isVatNumber(input.vatNumber), `vatNumber "${input.vatNumber}" must be DK or FI followed by 8 digits`);
    check(input.merchantId === undefined || isGuid(input.merchantId), `merchantId "${input.merchantId}" must be a GUID`);
    const existing = await merchantsRepository.findByVat(this.db, input.vatNumber);
    if (existing) {
      check(
        input.merchantId === undefined || input.merchantId.toLowerCase() === existing.merchantId,
        `merchant ${input.vatNumber} already has merchantId ${existing.merchantId}`,
      );
      if (existing.name !== input.name) await merchantsRepository.rename(this.db, existing.merchantId, input.name);
      return { ...existing, name: input.name };
    }
    const merchant = {
      merchantId: input.merchantId?.toLowerCase() ?? newId(),
      vatNumber: input.vatNumber,
      name: input.name,
      createdAt: this.clock.now(),
    };
    await merchantsRepository.insert(this.db, merchant);
    return merchant;
  }

  async upsertBrand(vatNumber: string, input: { merchantBrandId: string; brandName: string }): Promise<void> {
    check(isMerchantBrandId(input.merchantBrandId), `merchantBrandId "${input.merchantBrandId}" must be MPPOS, POSDK or POSFI followed by 5 letters or digits`);
    check(input.brandName.trim() !== '', 'brandName must not be empty');
    const merchant = await merchantsRepository.findByVat(this.db, vatNumber);
    check(merchant !== undefined, `no merchant with VAT number ${vatNumber}`);
    const existing = await merchantsRepository.findBrand(this.db, input.merchantBrandId);
    check(
      !existing || existing.merchantId === merchant.merchantId,
      `brand ${input.merchantBrandId} belongs to another merchant`,
    );
    await merchantsRepository.upsertBrand(this.db, { merchantBrandId: input.merchantBrandId, merchantId: merchant.merchantId, brandName: input.brandName });
  }

  async upsertStore(merchantBrandId: string, input: StoreInput): Promise<NewStore> {
    check(isMerchantLocationId(input.merchantLocationId), `merchantLocationId "${input.merchantLocationId}" must be exactly 5 valid characters`);
    check(input.storeId === undefined || isGuid(input.storeId), `storeId "${input.storeId}" must be a GUID`);
    for (const field of ['storeName', 'storeStreet', 'storeZipCode', 'storeCity'] as const) {
      check(input[field].trim() !== '', `${field} must not be empty`);
    }
    const brand = await merchantsRepository.findBrand(this.db, merchantBrandId);
    check(brand !== undefined, `no brand ${merchantBrandId}`);
    const details: StoreDetails = {
      storeName: input.storeName,
      storeStreet: input.storeStreet,
      storeZipCode: input.storeZipCode,
      storeCity: input.storeCity,
      activated: input.activated !== false,
    };
    const existing = await merchantsRepository.findStoreByLocation(this.db, merchantBrandId, input.merchantLocationId);
    if (existing) {
      check(
        input.storeId === undefined || input.storeId.toLowerCase() === existing.storeId,
        `store ${merchantBrandId}/${input.merchantLocationId} already has storeId ${existing.storeId}`,
      );
      const changed = (Object.keys(details) as (keyof StoreDetails)[]).some((k) => existing[k] !== details[k]);
      if (changed) await merchantsRepository.updateStoreDetails(this.db, existing.storeId, details);
      return { ...existing, ...details };
    }
    const store = {
      storeId: input.storeId?.toLowerCase() ?? newId(),
      merchantBrandId,
      merchantLocationId: input.merchantLocationId,
      ...details,
    };
    await merchantsRepository.insertStore(this.db, store);
    return store;
  }

  async setStoreActivated(storeId: string, activated: boolean): Promise<void> {
    const store = await merchantsRepository.findStore(this.db, storeId);
    check(store !== undefined, `no store ${storeId}`);
    await merchantsRepository.setStoreActivated(this.db, storeId, activated);
  }

  async upsertIntegrator(name: string): Promise<Integrator> {
    check(name.trim() !== '' && name.length <= 200, 'integrator name must be 1-200 characters');
    const existing = await integratorsRepository.findByName(this.db, name);
    if (existing) return existing;
    const integrator = { integratorId: newId(), name, createdAt: this.clock.now() };
    await integratorsRepository.insert(this.db, integrator);
    return integrator;
  }

  /**
   * Creates an OAuth client, or sets the secret of an existing one. Without a secret one is generated:
   * the only time it can be seen is in the return value, since only its hash is stored.
   */
  async upsertClient(integratorName: string, clientId: string, clientSecret?: string): Promise<{ clientId: string; clientSecret?: string }> {
    check(isClientId(clientId), `clientId "${clientId}" must be 1-100 of A-Z a-z 0-9 . _ ~ -`);
    check(clientSecret === undefined || clientSecret.length >= 4, 'clientSecret must be at least 4 characters');
    const integrator = await integratorsRepository.findByName(this.db, integratorName);
    check(integrator !== undefined, `no integrator named "${integratorName}"`);
    const existing = await integratorsRepository.findClient(this.db, clientId);
    check(!existing || existing.integratorId === integrator.integratorId, `client ${clientId} belongs to another integrator`);
    if (existing && clientSecret !== undefined && (await verifySecret(clientSecret, existing.secretHash))) {
      return { clientId };
    }
    const secret = clientSecret ?? generateSecret();
    const secretHash = await hashSecret(secret);
    if (existing) await integratorsRepository.updateClientSecret(this.db, clientId, secretHash);
    else {
      await integratorsRepository.insertClient(this.db, {
        clientId,
        integratorId: integrator.integratorId,
        secretHash,
        createdAt: this.clock.now(),
      });
    }
    return { clientId, clientSecret: clientSecret === undefined ? secret : undefined };
  }

  /** Lets an integrator act for a merchant (SPEC §7); linking twice changes nothing. */
  async linkMerchant(integratorName: string, vatNumber: string): Promise<void> {
    const { integratorId, merchantId } = await this.#integratorAndMerchant(integratorName, vatNumber);
    await this.#changeAccess((trx) => integratorsRepository.link(trx, integratorId, merchantId));
  }

  async unlinkMerchant(integratorName: string, vatNumber: string): Promise<void> {
    const { integratorId, merchantId } = await this.#integratorAndMerchant(integratorName, vatNumber);
    await this.#changeAccess((trx) => integratorsRepository.unlink(trx, integratorId, merchantId));
  }

  /** A disabled client's tokens are refused at once and it gets no new one; enabling undoes it. */
  async setClientDisabled(clientId: string, disabled: boolean): Promise<void> {
    const client = await integratorsRepository.findClient(this.db, clientId);
    check(client !== undefined, `no client ${clientId}`);
    const disabledAt = disabled ? this.clock.now() : null;
    await this.#changeAccess((trx) => integratorsRepository.setClientDisabled(trx, clientId, disabledAt));
  }

  async #integratorAndMerchant(integratorName: string, vatNumber: string): Promise<{ integratorId: string; merchantId: string }> {
    const integrator = await integratorsRepository.findByName(this.db, integratorName);
    check(integrator !== undefined, `no integrator named "${integratorName}"`);
    check(isVatNumber(vatNumber), `merchant "${vatNumber}" must be a VAT number: DK or FI followed by 8 digits`);
    const merchant = await merchantsRepository.findByVat(this.db, vatNumber);
    check(merchant !== undefined, `no merchant with VAT number ${vatNumber}`);
    return { integratorId: integrator.integratorId, merchantId: merchant.merchantId };
  }

  /** Makes an access change and bumps the version every process watches in the same transaction, if it changed anything. */
  async #changeAccess(change: (trx: Db) => Promise<boolean>): Promise<void> {
    const changed = await this.db.transaction().execute(async (trx) => {
      const done = await change(trx);
      if (done) await platformStateRepository.add(trx, 'access_version', 1);
      return done;
    });
    if (changed) await this.onAccessChange();
  }

  async upsertCallbackAlias(integratorName: string, alias: string, url: string): Promise<void> {
    check(isValidText(alias), `alias "${alias}" must be 1-36 valid characters`);
    const refused = await this.callbackUrls.refusal(url);
    if (refused !== undefined) throw new OnboardingError(refused);
    const integrator = await integratorsRepository.findByName(this.db, integratorName);
    check(integrator !== undefined, `no integrator named "${integratorName}"`);
    await integratorsRepository.upsertCallbackAlias(this.db, { integratorId: integrator.integratorId, alias, url });
  }

  async upsertCustomer(input: CustomerInput): Promise<void> {
    check(isPhoneNumber(input.phoneNumber), `phoneNumber "${input.phoneNumber}" must be + followed by 8-15 digits`);
    const existing = await customersRepository.findByPhone(this.db, input.phoneNumber);
    const customer: CustomerRecord = {
      phoneNumber: input.phoneNumber,
      paymentSource: input.paymentSource,
      loyaltyIds: input.loyaltyIds ?? [],
      partialCapturePossible: input.partialCapturePossible ?? false,
      customerToken: existing?.customerToken ?? randomToken(20),
      customerReceiptToken: existing?.customerReceiptToken ?? randomToken(16),
    };
    const unchanged = existing && sameProfile(existing, customer);
    if (!unchanged) await customersRepository.upsert(this.db, customer);
  }
}
