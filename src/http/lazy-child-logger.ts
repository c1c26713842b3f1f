import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino';

const LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * Fastify gives every request a child logger carrying its correlation id. Making a pino child costs more than
 * answering a poll, and most requests log nothing at the configured level (none at all with LOG_LEVEL=silent),
 * so the child is made on the first line that would actually be written.
 */
export const lazyChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (parent, bindings, options) => {
  const logger = parent as unknown as Logger;
  let child: Logger | undefined;
  const real = () => (child ??= logger.child(bindings as Bindings, options as ChildLoggerOptions));
  const lazy: Record<string, unknown> = {
    get level() {
      return logger.level;
    },
    silent: () => undefined,
    child: (more: Bindings, moreOptions?: ChildLoggerOptions) => real().child(more, moreOptions),
  };
  for (const level of LEVELS) {
    lazy[level] = (...args: Parameters<Logger['info']>) => {
      if (logger.isLevelEnabled(level)) real()[level](...args);
    };
  }
  return lazy as unknown as FastifyBaseLogger;
};
