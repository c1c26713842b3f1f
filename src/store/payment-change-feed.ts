import pg from 'pg';

/** What a process holds of payments, told of every change another process (or this one) commits. */
export interface PaymentChangeListener {
  /** `paymentId` changed; `publishedAt` is when the database published it (epoch ms, the database's clock). */
  changed(paymentId: string, publishedAt: number): void;
  /** From now on every commit is told; whatever was held before may have missed a change. */
  listening(): void;
  /** Changes go unseen until `listening` is called again. */
  lost(): void;
}

/** The application_name of a feed's connection (PostgreSQL keeps 63 bytes of it). */
export const feedConnectionName = (schema: string) => `mobilepay-payment-changes ${schema}`.slice(0, 63);

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * LISTENs, on a connection of its own, to the payment changes PostgreSQL publishes on commit (migration
 * 0006-payment-changes). While it is not listening (before the first LISTEN, after a lost connection) changes
 * go unseen: the listener is told when the connection is lost and when LISTEN is in place again, and trusts
 * nothing it held across the gap. It reconnects by itself, backing off up to 5 s.
 */
export class PaymentChangeFeed {
  readonly #connectionString: string;
  readonly #schema: string;
  readonly #channel: string;
  readonly #listener: PaymentChangeListener;
  readonly #onError: (error: Error) => void;
  #client: pg.Client | undefined;
  #closed = false;
  #retryMs = RETRY_MIN_MS;
  #retry: NodeJS.Timeout | undefined;

  constructor(connectionString: string, schema: string, listener: PaymentChangeListener, onError: (error: Error) => void) {
    this.#connectionString = connectionString;
    this.#schema = schema;
    this.#channel = `payment_changes.${schema}`;
    this.#listener = listener;
    this.#onError = onError;
  }

  /** Connects and listens; resolves once listening, or after the first failure (it then retries by itself). */
  async start(): Promise<void> {
    // Named after the schema, so an operator (or a test) can tell whose listening connection it is.
    const client = new pg.Client({ connectionString: this.#connectionString, application_name: feedConnectionName(this.#schema) });
    this.#client = client;
    client.on('notification', ({ channel, payload }) => {
      if (channel !== this.#channel || !payload) return;
      const space = payload.indexOf(' ');
      this.#listener.changed(payload.slice(0, space), Number(payload.slice(space + 1)));
    });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel.replace(/"/g, '""')}"`);
    } catch (error) {
      this.#lost(client, error as Error);
      return;
    }
    if (this.#client !== client) return; // lost meanwhile
    this.#retryMs = RETRY_MIN_MS;
    this.#listener.listening();
  }

  #lost(client: pg.Client, error?: Error): void {
    if (this.#client !== client) return; // an earlier connection's late event
    this.#client = undefined;
    this.#listener.lost();
    client.removeAllListeners('end');
    client.end().catch(() => {});
    if (this.#closed) return;
    if (error) this.#onError(error);
    this.#retry = setTimeout(() => void this.start(), this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => {});
      await client.end().catch(() => {});
    }
  }
}
