import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, LogFn, Logger } from 'pino';

/**
 * Stands in for a request's child logger until a line is actually written. The methods live on the prototype,
 * so a request that logs nothing costs one small object (a closure per level made a poll allocate more than
 * it answered).
 */
class LazyChildLogger {
  #child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions | undefined,
  ) {}

  get level(): string {
    return this.parent.level;
  }

  #real(): Logger {
    return (this.#child ??= this.parent.child(this.bindings, this.options));
  }

  #write(level: Level, args: Parameters<LogFn>): void {
    if (this.parent.isLevelEnabled(level)) this.#real()[level](...args);
  }

  fatal(...args: Parameters<LogFn>): void {
    this.#write('fatal', args);
  }
  error(...args: Parameters<LogFn>): void {
    this.#write('error', args);
  }
  warn(...args: Parameters<LogFn>): void {
    this.#write('warn', args);
  }
  info(...args: Parameters<LogFn>): void {
    this.#write('info', args);
  }
  debug(...args: Parameters<LogFn>): void {
    this.#write('debug', args);
  }
  trace(...args: Parameters<LogFn>): void {
    this.#write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.#real().child(bindings, options);
  }
}

/**
 * Fastify gives every request a child logger carrying its correlation id. Making a pino child costs more than
 * answering a poll, and most requests log nothing at the configured level (none at all with LOG_LEVEL=silent),
 * so the child is made on the first line that would actually be written.
 */
export const lazyChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (parent, bindings, options) =>
  new LazyChildLogger(parent as unknown as Logger, bindings as Bindings, options as ChildLoggerOptions | undefined) as unknown as FastifyBaseLogger;
