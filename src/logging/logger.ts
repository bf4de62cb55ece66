/** Where debug lines and validation warnings go: the caller's logger, or stderr under QIANFAN_DEBUG=1. */
export interface Logger {
  debug(message: string): void;
  warn(message: string): void;
}

/** Every line to stderr, prefixed [qianfan-console]: the logger of QIANFAN_DEBUG=1. */
export const stderrLogger: Logger = {
  debug: (message) => process.stderr.write(`[qianfan-console] ${message}\n`),
  warn: (message) => process.stderr.write(`[qianfan-console] warning: ${message}\n`),
};

/** Warnings still reach stderr without debug; debug lines are dropped. */
export const quietLogger: Logger = {
  debug: () => undefined,
  warn: stderrLogger.warn,
};
