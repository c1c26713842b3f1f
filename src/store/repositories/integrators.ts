import type { CallbackAlias, Client, Integrator, MerchantLink } from '../../domain/integrator.js';
import type { Db } from '../database.js';
import type { CallbackAliasTable, ClientTable, IntegratorTable } from '../schema.js';

const toIntegrator = (row: IntegratorTable): Integrator => ({ integratorId: row.integrator_id, name: row.name, createdAt: row.created_at });

const toClient = (row: ClientTable): Client => ({
  clientId: row.client_id,
  integratorId: row.integrator_id,
  secretHash: row.secret_hash,
  createdAt: row.created_at,
  disabledAt: row.disabled_at,
});

const toCallbackAlias = (row: CallbackAliasTable): CallbackAlias => ({ integratorId: row.integrator_id, alias: row.alias, url: row.url });

export const integratorsRepository = {
  async findByName(db: Db, name: string): Promise<Integrator | undefined> {
    const row = await db.selectFrom('integrators').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toIntegrator(row);
  },

  async list(db: Db): Promise<Integrator[]> {
    return (await db.selectFrom('integrators').selectAll().orderBy('name').execute()).map(toIntegrator);
  },

  async insert(db: Db, integrator: Integrator): Promise<void> {
    await db
      .insertInto('integrators')
      .values({ integrator_id: integrator.integratorId, name: integrator.name, created_at: integrator.createdAt })
      .execute();
  },

  async findClient(db: Db, clientId: string): Promise<Client | undefined> {
    const row = await db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return row && toClient(row);
  },

  async listClients(db: Db, integratorId?: string): Promise<Client[]> {
    let query = db.selectFrom('clients').selectAll();
    if (integratorId) query = query.where('integrator_id', '=', integratorId);
    return (await query.orderBy('client_id').execute()).map(toClient);
  },

  /** A new client is enabled. */
  async insertClient(db: Db, client: Omit<Client, 'disabledAt'>): Promise<void> {
    await db
      .insertInto('clients')
      .values({ client_id: client.clientId, integrator_id: client.integratorId, secret_hash: client.secretHash, created_at: client.createdAt })
      .execute();
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

  /** Every link, ordered by VAT number. */
  async listLinks(db: Db): Promise<MerchantLink[]> {
    const rows = await db
      .selectFrom('integrator_merchants')
      .innerJoin('merchants', 'merchants.merchant_id', 'integrator_merchants.merchant_id')
      .select(['integrator_merchants.integrator_id', 'merchants.vat_number'])
      .orderBy('merchants.vat_number')
      .execute();
    return rows.map((r) => ({ integratorId: r.integrator_id, vatNumber: r.vat_number }));
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

  async findCallbackAlias(db: Db, integratorId: string, alias: string): Promise<CallbackAlias | undefined> {
    const row = await db
      .selectFrom('callback_aliases')
      .selectAll()
      .where('integrator_id', '=', integratorId)
      .where('alias', '=', alias)
      .executeTakeFirst();
    return row && toCallbackAlias(row);
  },

  async listCallbackAliases(db: Db, integratorId?: string): Promise<CallbackAlias[]> {
    let query = db.selectFrom('callback_aliases').selectAll();
    if (integratorId) query = query.where('integrator_id', '=', integratorId);
    return (await query.orderBy('integrator_id').orderBy('alias').execute()).map(toCallbackAlias);
  },

  async upsertCallbackAlias(db: Db, alias: CallbackAlias): Promise<void> {
    await db
      .insertInto('callback_aliases')
      .values({ integrator_id: alias.integratorId, alias: alias.alias, url: alias.url })
      .onConflict((oc) => oc.columns(['integrator_id', 'alias']).doUpdateSet({ url: alias.url }))
      .execute();
  },
};
