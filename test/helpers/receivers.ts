import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Platform } from '../../src/platform.js';

/** Requests open at once: now, and the most there ever were. */
export class OpenCount {
  now = 0;
  max = 0;
  up(): void {
    this.max = Math.max(this.max, ++this.now);
  }
  down(): void {
    this.now--;
  }
}

/**
 * An integrator's callback endpoint on loopback. It records what it receives and answers `answer`: a status
 * (with `location` for a redirect), or 'hold' to keep the request open until `answerHeld`, as a silent receiver
 * does. It counts the requests open at once (also into `shared`, for several receivers) and the ones the
 * platform gave up on (the connection closed before an answer).
 */
export class Receiver {
  readonly received: { path: string; contentType: string | undefined; body: unknown }[] = [];
  readonly open = new OpenCount();
  answer: number | 'hold' = 200;
  location: string | undefined;
  aborted = 0;
  readonly #held: ServerResponse[] = [];
  readonly #server: Server;

  private constructor(shared?: OpenCount) {
    this.#server = createServer((request: IncomingMessage, response) => {
      for (const count of [this.open, shared]) count?.up();
      response.on('close', () => {
        for (const count of [this.open, shared]) count?.down();
        if (!response.writableFinished) this.aborted++;
      });
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        this.received.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: JSON.parse(body) });
        if (this.answer === 'hold') this.#held.push(response);
        else response.writeHead(this.answer, this.location ? { location: this.location } : {}).end();
      });
    });
  }

  static async start(shared?: OpenCount): Promise<Receiver> {
    const receiver = new Receiver(shared);
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  url(path = '/notify'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Calls `listener` on every connection made to the receiver (even one that sends no request). */
  onConnection(listener: () => void): void {
    this.#server.on('connection', listener);
  }

  get held(): number {
    return this.#held.length;
  }

  /** Answers the oldest held request (if its connection is still there). */
  answerOne(status: number): void {
    this.#held.shift()?.writeHead(status).end();
  }

  stop(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** Waits, for at most `timeoutMs`, until `condition` holds. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits (bounded) until the platform's delivery worker has nothing running: every started delivery has an outcome. */
export async function deliveriesSettled(platform: Platform, timeoutMs = 10_000): Promise<void> {
  let settled = false;
  void platform.deliveries.idle().then(() => (settled = true));
  await waitFor(() => settled, 'the notification deliveries to settle', timeoutMs);
}
