/** The control plane's wire: where it lives, how it refuses, and the JSON bodies it reads and sends. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CONTROL_PREFIX = '/_emulator';
/** A seed can be much larger than one console body. */
const MAX_CONTROL_BODY_BYTES = 64 * 1024 * 1024;

/** A request the control plane turns down, with the status and code it answers. */
export class ControlRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CONTROL_BODY_BYTES) throw new ControlRefusal(413, 'RequestEntityTooLarge', `the body is larger than ${MAX_CONTROL_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
  } catch (error) {
    throw new ControlRefusal(400, 'MalformedJSON', `the body is not JSON: ${(error as Error).message}`);
  }
}

export async function readObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const value = await readJson(req);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ControlRefusal(400, 'InappropriateJSON', 'the body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Sends a JSON answer with its length, so that it is not a chunked stream. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) }).end(payload);
}
