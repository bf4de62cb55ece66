/**
 * The emulator's side of one HTTP exchange: reading a request body as it streams (with a limit),
 * reading it as a JSON object, and sending a JSON answer with its length.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConsoleError } from './console-error.js';

type Body = Record<string, unknown>;

/** Reads the body as it streams, refusing it as soon as it passes the limit. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    // `on` rather than `once`: each of these fires at most once for a request, which is thrown away after
    // it, and `once` would wrap every listener in a closure of its own.
    req.on('data', onData);
    // A console body is usually one chunk: no copy then.
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
    // A client that goes away mid-body: nothing will answer it, but the handler must not wait forever.
    // (Checked first: every request closes, and an error object is not worth building for one that ended well.)
    req.on('close', () => {
      if (!req.complete) reject(new ConsoleError(400, 'InvalidHTTPRequest', 'the request body was cut short'));
    });
  });
}

/** The body as a JSON object; an empty body is `{}` (the official JS SDK sends none without data). */
export function parseBody(bytes: Buffer): Body {
  if (bytes.length === 0) return {};
  // Checked first, since toString would replace bad bytes rather than refuse them.
  if (!isUtf8(bytes)) throw new ConsoleError(400, 'MalformedJSON', 'The JSON you provided was not well-formed: the body is not UTF-8');
  let value: unknown;
  try {
    // A leading byte order mark is skipped, as a UTF-8 decoder does.
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    value = JSON.parse(bytes.toString('utf8', start));
  } catch (error) {
    throw new ConsoleError(400, 'MalformedJSON', `The JSON you provided was not well-formed: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConsoleError(
      400,
      'InappropriateJSON',
      `The JSON you provided was well-formed, but the body must be a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  return value as Body;
}

/** Sends a JSON answer with `head` (header names and values, alternating) and its length. */
export function send(res: ServerResponse, status: number, body: unknown, head: readonly string[]): void {
  sendText(res, status, JSON.stringify(body), head);
}

/** Sends a console result, `{"requestId":…,"result":…}`, around its JSON text (undefined: no result field, as JSON.stringify leaves it out). */
export function sendResult(res: ServerResponse, requestId: string, resultJson: string | undefined, head: readonly string[]): void {
  const id = JSON.stringify(requestId);
  sendText(res, 200, resultJson === undefined ? `{"requestId":${id}}` : `{"requestId":${id},"result":${resultJson}}`, head);
}

function sendText(res: ServerResponse, status: number, payload: string, head: readonly string[]): void {
  if (res.headersSent || res.destroyed) return;
  // With its length, so the answer is not a chunked stream; as a string, which node:http sends in one
  // write with the head (a Buffer would go out as a second chunk, after a copy).
  res.writeHead(status, [...head, 'content-length', String(Buffer.byteLength(payload))]).end(payload);
}

export function tooLarge(limit: number): ConsoleError {
  return new ConsoleError(413, 'RequestEntityTooLarge', `the request body is larger than ${limit} bytes`);
}
