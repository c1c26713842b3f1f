import type { Db } from '../database.js';
import type { CallbackAlias, Client, Integrator } from '../schema.js';

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

  async insertClient(db: Db, client: Client): Promise<void> {
    await db.insertInto('clients').values(client).execute();
  },

  async updateClientSecret(db: Db, clientId: string, secretHash: string): Promise<void> {
    await db.updateTable('clients').set({ secret_hash: secretHash }).where('client_id', '=', clientId).execute();
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
