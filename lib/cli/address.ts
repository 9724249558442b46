// HOST:PORT as the commands take it: 127.0.0.1:80, [::1]:80, localhost:80,
// or PORT alone where a default host applies (listen).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import type { SocketAddress } from '../socket';
import { CommandLineError } from './errors';

export interface HostPort {
  host: string;
  port: number;
}

/** Splits HOST:PORT (or PORT, with `defaultHost`) without resolving HOST. */
export function splitHostPort(text: string, defaultHost?: string): HostPort {
  let host: string | undefined;
  let port: string;
  const bracketed = /^\[([^\]]*)\]:(\d+)$/.exec(text);
  if (bracketed !== null) {
    [, host, port] = bracketed;
  } else if (/^\d+$/.test(text) && defaultHost !== undefined) {
    port = text;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon <= 0 || text.indexOf(':') !== colon) {
      throw new CommandLineError(`expected HOST:PORT (or [IPV6]:PORT), got ${JSON.stringify(text)}`);
    }
    host = text.slice(0, colon);
    port = text.slice(colon + 1);
  }
  const number = Number(port);
  if (!/^\d+$/.test(port) || number > 65535) throw new CommandLineError(`bad port ${JSON.stringify(port)} in ${JSON.stringify(text)}`);
  return { host: host ?? (defaultHost as string), port: number };
}

/** HOST:PORT to a socket address, HOST resolved for the family when it is a name. */
export async function resolveHostPort(text: string, family: 'inet' | 'inet6', defaultHost?: string): Promise<SocketAddress> {
  const { host, port } = splitHostPort(text, defaultHost);
  if (isIP(host) !== 0) return { address: host, port };
  try {
    const { address } = await lookup(host, { family: family === 'inet6' ? 6 : 4 });
    return { address, port };
  } catch (error) {
    throw new CommandLineError(`cannot resolve ${JSON.stringify(host)}: ${(error as Error).message}`);
  }
}
