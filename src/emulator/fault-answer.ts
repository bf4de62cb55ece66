/** How an injected fault answers a console call in place of the action (a delay is waited out by the pipeline instead). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LEGACY_CODES, type Fault } from './faults.js';
import { send } from './wire.js';

/** The code of an injected HTTP status, as a gateway in front of the console would say it; other statuses answer InvalidRequest (4xx) or InternalError (5xx). */
const STATUS_CODES: Record<number, string> = {
  403: 'AccessDenied',
  404: 'ResourceNotFound',
  429: 'RequestLimitExceeded',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** Answers (or drops) the call as the fault says; returns a word for the log. */
export function injectFault(
  fault: Exclude<Fault, { type: 'delay' }>,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  head: readonly string[],
): string {
  switch (fault.type) {
    case 'drop':
      req.socket.destroy();
      return 'dropped (injected)';
    case 'malformed':
      res.writeHead(200, [...head]).end(`{"requestId":"${requestId}","result":{"trunc`);
      return '200 malformed (injected)';
    case 'legacy':
      send(res, 200, { log_id: Date.now(), error_code: fault.code, error_msg: LEGACY_CODES[fault.code] }, head);
      return `200 error_code ${fault.code} (injected)`;
    case 'status': {
      const code = fault.code ?? STATUS_CODES[fault.status] ?? (fault.status < 500 ? 'InvalidRequest' : 'InternalError');
      send(res, fault.status, { requestId, code, message: fault.message ?? `${code} (a fault injected into the emulator)` }, head);
      return `${fault.status} ${code} (injected)`;
    }
  }
}
