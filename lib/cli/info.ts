// `winsock info`: what the backend is, its constants, and the typed option
// table with this platform's answer for each option (its default value on
// a fresh socket, or the error the stack gives).
import os from 'node:os';
import { parseArgs } from 'node:util';

import { Socket, backend, constants, description, engine, engineFallback, underWine, type OptionName, type SocketType } from '../index';
import { OPTIONS } from '../socket';
import { CommandLineError } from './errors';
import { INFO } from './usage';

interface OptionRow {
  name: string;
  level: string;
  number: number | null;
  value?: unknown;
  error?: string;
}

// The socket each option is asked of: multicast and broadcast on a datagram socket.
const DATAGRAM_OPTIONS = new Set(['SO_BROADCAST', 'IP_MULTICAST_LOOP', 'IP_MULTICAST_TTL']);

function optionRows(): OptionRow[] {
  const sockets: Partial<Record<string, Socket>> = {};
  const socketFor = (family: 'inet' | 'inet6', type: SocketType) => {
    const key = `${family} ${type}`;
    return (sockets[key] ??= new Socket({ family, type }));
  };
  try {
    return Object.entries(OPTIONS).map(([name, spec]) => {
      const row: OptionRow = { name, level: spec.level, number: constants[name] ?? null };
      try {
        const socket = socketFor(name.startsWith('IPV6_') ? 'inet6' : 'inet', DATAGRAM_OPTIONS.has(name) ? 'dgram' : 'stream');
        row.value = socket.getOption(name as OptionName);
      } catch (error) {
        row.error = (error as { code?: string }).code ?? String(error);
      }
      return row;
    });
  } finally {
    for (const socket of Object.values(sockets)) socket?.close();
  }
}

/** The constants grouped by prefix: AF_, SOCK_, IPPROTO_, SOL_/SO_, TCP_, IP_, IPV6_, MSG_, the rest. */
function groupedConstants(): Record<string, Record<string, number>> {
  const groups: Record<string, Record<string, number>> = {};
  for (const [name, value] of Object.entries(constants)) {
    const prefix = /^(AF|SOCK|IPPROTO|SOL|SO|TCP|IPV6|IP|MSG|SHUT|SD)_/.exec(name)?.[1] ?? 'other';
    (groups[prefix === 'SOL' ? 'SO' : prefix] ??= {})[name] = value;
  }
  return groups;
}

/** `winsock info [--json]` */
export async function info(args: string[]): Promise<number> {
  let values: { json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (error) {
    throw new CommandLineError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(INFO);
    return 0;
  }
  const facts = {
    backend,
    description,
    engine,
    engineFallback,
    underWine,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    node: process.version,
    options: optionRows(),
    constants: groupedConstants(),
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(facts, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `backend:     ${backend} (${description})${underWine ? ', under Wine' : ''}`,
    `engine:      ${engine}${engineFallback ? ` (${engineFallback})` : ''}`,
    `under Wine:  ${underWine ? 'yes' : 'no'}`,
    `platform:    ${facts.platform}, node ${facts.node}`,
    '',
    'typed options (setOption / getOption), asked of a fresh socket:',
  ];
  const width = Math.max(...facts.options.map((row) => row.name.length));
  for (const row of facts.options) {
    const answer = row.error !== undefined ? `unsupported here: ${row.error}` : `default ${JSON.stringify(row.value)}`;
    const number = row.number === null ? '-' : String(row.number);
    lines.push(`  ${row.name.padEnd(width)}  ${row.level.padEnd(12)} ${number.padStart(6)}  ${answer}`);
  }
  lines.push('', 'constants:');
  for (const [group, entries] of Object.entries(facts.constants)) {
    const text = Object.entries(entries).map(([name, value]) => `${name}=${value}`).join(' ');
    lines.push(`  ${group}: ${text}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
