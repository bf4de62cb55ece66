/** Where debug lines and validation warnings go: the caller's logger, or stderr under QIANFAN_DEBUG=1. */
export interface Logger {
  debug(message: string): void;
  warn(message: string): void;
}

/**
 * Lines written to a stream, prefixed [qianfan-console]: warnings always, debug lines unless `debug`
 * is false. For a log file, or a command line's own stderr.
 */
export function streamLogger(stream: { write(text: string): unknown }, options: { debug?: boolean } = {}): Logger {
  return {
    debug: options.debug === false ? () => undefined : (message) => void stream.write(`[qianfan-console] ${message}\n`),
    warn: (message) => void stream.write(`[qianfan-console] warning: ${message}\n`),
  };
}

/** process.stderr, looked up when a line is written: importing the package does not open the stream. */
const processStderr = { write: (text: string) => process.stderr.write(text) };

/** Every line to stderr: the logger of QIANFAN_DEBUG=1. */
export const stderrLogger: Logger = streamLogger(processStderr);

/** Warnings still reach stderr without debug; debug lines are dropped. */
export const quietLogger: Logger = streamLogger(processStderr, { debug: false });
