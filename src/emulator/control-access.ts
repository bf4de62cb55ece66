/**
 * Who may use the control plane (see control.ts): the token, when one was given, in a header or the
 * dashboard's cookie; else loopback callers with a loopback Host; and never a page of another Origin.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { CONTROL_PREFIX, ControlRefusal } from './control-wire.js';

export const CONTROL_TOKEN_HEADER = 'x-emulator-control-token';
const TOKEN_COOKIE = 'qianfan-emulator-control-token';

export class ControlAccess {
  readonly #tokenDigest: Buffer | undefined;
  /** The address the emulator is bound to, known once it listens. */
  readonly #host: () => string;

  constructor(token: string | undefined, host: () => string) {
    this.#tokenDigest = token === undefined ? undefined : digest(token);
    this.#host = host;
  }

  /** Whether a control token was given at start. */
  get hasToken(): boolean {
    return this.#tokenDigest !== undefined;
  }

  /** Throws a ControlRefusal when the request may not use the control plane. */
  admit(req: IncomingMessage): void {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) {
      throw new ControlRefusal(403, 'CrossOriginRefused', "the control plane answers only the emulator's own pages and programs that send no Origin");
    }
    if (this.#tokenDigest) {
      const given = headerValue(req.headers[CONTROL_TOKEN_HEADER]) ?? cookie(req.headers.cookie, TOKEN_COOKIE);
      if (given === undefined || !timingSafeEqual(digest(given), this.#tokenDigest)) {
        throw new ControlRefusal(
          401,
          'ControlTokenRequired',
          `send the control token given at start in the ${CONTROL_TOKEN_HEADER} header (a browser: open ${CONTROL_PREFIX}/?token=…)`,
        );
      }
      return;
    }
    if (!isLoopback(this.#host())) {
      throw new ControlRefusal(
        403,
        'ControlPlaneOff',
        `the control plane is off: the emulator is bound to ${this.#host()}, not a loopback address; start it with --control-token TOKEN (controlToken) to use it from elsewhere`,
      );
    }
    if (!isLoopbackName(hostName(req.headers.host))) {
      throw new ControlRefusal(403, 'HostRefused', `the control plane answers loopback host names only, not ${JSON.stringify(req.headers.host)}`);
    }
  }

  /** A browser opening the dashboard with ?token=: keep the token in a cookie, and take it out of the address bar. */
  enterWithToken(res: ServerResponse, token: string): void {
    if (!this.#tokenDigest || !timingSafeEqual(digest(token), this.#tokenDigest))
      throw new ControlRefusal(401, 'ControlTokenRequired', 'that is not the control token given at start');
    res
      .writeHead(303, {
        location: CONTROL_PREFIX + '/',
        'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=${CONTROL_PREFIX}; HttpOnly; SameSite=Strict`,
      })
      .end();
  }
}

/** Compared as digests, so that timingSafeEqual sees equal lengths and the comparison leaks nothing. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** The host name of a Host header (without the port; an IPv6 address without its brackets). */
function hostName(host: string | undefined): string {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  return host.split(':')[0]!;
}

/** A loopback interface: 127.0.0.0/8, ::1, or an IPv4-mapped loopback address. */
export function isLoopback(address: string): boolean {
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || isLoopback(name);
}
