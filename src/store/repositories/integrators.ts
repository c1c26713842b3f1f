import type { Db } from '../database.js';
import type { CallbackAlias, Client, Integrator, NewClient } from '../schema.js';

export const integratorsRepository = {
  findByName(db: Db, name: string): Promise<Integrator | undefined> {
    return db.selectFrom('integrators').selectAll().where('name', '=', name).executeTakeFirst();
  },

  findById(db: Db, integratorId: string): Promise<Integrator | undefined> {
    return db.selectFrom('integrators').selectAll().where('integrator_id', '=', integratorId).executeTakeFirst();
  },

  list(db: Db): Promise<Integrator[]> {
    return db.selectFrom('integrators').selectAll().orderBy('name').execute();
  },

  async insert(db: Db, integrator: Integrator): Promise<void> {
    await db.insertInto('integrators').values(integrator).execute();
  },

  findClient(db: Db, clientId: string): Promise<Client | undefined> {
    return db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  },

  listClients(db: Db, integratorId?: string): Promise<Client[]> {
    let query = db.selectFrom('clients').selectAll();
    if (integratorId) query = query.where('integrator_id', '=', integratorId);
    return query.orderBy('client_id').execute();
  },

  async insertClient(db: Db, client: NewClient): Promise<void> {
    await db.insertInto('clients').values(client).execute();
  },

  async updateClientSecret(db: Db, clientId: string, secretHash: string): Promise<void> {
    await db.updateTable('clients').set({ secret_hash: secretHash }).where('client_id', '=', clientId).execute();
  },

  /** Disables or enables a client; false when it was already so (or does not exist). */
  async setClientDisabled(db: Db, clientId: string, disabledAt: number | null): Promise<boolean> {
    const result = await db
      .updateTable('clients')
      .set({ disabled_at: disabledAt })
      .where('client_id', '=', clientId)
      .where('disabled_at', disabledAt === null ? 'is not' : 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  async listDisabledClientIds(db: Db): Promise<string[]> {
    const rows = await db.selectFrom('clients').select('client_id').where('disabled_at', 'is not', null).execute();
    return rows.map((r) => r.client_id);
  },

  /** Links an integrator to a merchant; false when it already was. */
  async link(db: Db, integratorId: string, merchantId: string): Promise<boolean> {
    const result = await db
      .insertInto('integrator_merchants')
      .values({ integrator_id: integratorId, merchant_id: merchantId })
      .onConflict((oc) => oc.columns(['integrator_id', 'merchant_id']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  },

  /** Unlinks an integrator from a merchant; false when it was not linked. */
  async unlink(db: Db, integratorId: string, merchantId: string): Promise<boolean> {
    const result = await db
      .deleteFrom('integrator_merchants')
      .where('integrator_id', '=', integratorId)
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  },

  async isLinked(db: Db, integratorId: string, vatNumber: string): Promise<boolean> {
    const row = await db
      .selectFrom('integrator_merchants')
      .innerJoin('merchants', 'merchants.merchant_id', 'integrator_merchants.merchant_id')
      .select('integrator_merchants.integrator_id')
      .where('integrator_merchants.integrator_id', '=', integratorId)
      .where('merchants.vat_number', '=', vatNumber)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** Every link, as the integrator id and the merchant's VAT number (what a caller names). */
  listLinks(db: Db): Promise<{ integrator_id: string; vat_number: string }[]> {
    return db
      .selectFrom('integrator_merchants')
      .innerJoin('merchants', 'merchants.merchant_id', 'integrator_merchants.merchant_id')
      .select(['integrator_merchants.integrator_id', 'merchants.vat_number'])
      .orderBy('merchants.vat_number')
      .execute();
  },

  /** The names of integrators linked to no merchant (every call of theirs is refused). */
  async listUnlinkedNames(db: Db): Promise<string[]> {
    const rows = await db
      .selectFrom('integrators')
      .select('name')
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('integrator_merchants').select('merchant_id').whereRef('integrator_merchants.integrator_id', '=', 'integrators.integrator_id'))),
      )
      .orderBy('name')
      .execute();
    return rows.map((r) => r.name);
  },

  findCallbackAlias(db: Db, integratorId: string, alias: string): Promise<CallbackAlias | undefined> {
    return db
      .selectFrom('callback_aliases')
      .selectAll()
      .where('integrator_id', '=', integratorId)
      .where('alias', '=', alias)
      .executeTakeFirst();
  },

  listCallbackAliases(db: Db, integratorId?: string): Promise<CallbackAlias[]> {
    let query = db.selectFrom('callback_aliases').selectAll();
    if (integratorId) query = query.where('integrator_id', '=', integratorId);
    return query.orderBy('integrator_id').orderBy('alias').execute();
  },

  async upsertCallbackAlias(db: Db, alias: CallbackAlias): Promise<void> {
    await db
      .insertInto('callback_aliases')
      .values(alias)
      .onConflict((oc) => oc.columns(['integrator_id', 'alias']).doUpdateSet({ url: alias.url }))
      .execute();
  },
};
