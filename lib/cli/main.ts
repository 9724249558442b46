#!/usr/bin/env node
// The `winsock` command: one subcommand a module, each returning its exit code.
import { CommandLineError, exit, report } from './errors';
import * as usage from './usage';

type Command = (args: string[]) => Promise<number>;

// Loaded on demand: `winsock --help` loads no addon.
const COMMANDS: Record<string, { load: () => Command; usage: string }> = {
  listen: { load: () => require('./netcat').listen, usage: usage.LISTEN },
  connect: { load: () => require('./netcat').connect, usage: usage.CONNECT },
  repl: { load: () => require('./repl').repl, usage: usage.REPL },
  run: { load: () => require('./script/command').run, usage: usage.RUN },
  info: { load: () => require('./info').info, usage: usage.INFO },
  atlas: { load: () => require('./atlas/command').atlas, usage: usage.ATLAS },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS[args[0]] : undefined;
    process.stdout.write(topic?.usage ?? usage.MAIN);
    return 0;
  }
  if (name === '--version') {
    process.stdout.write(`${require('../../package.json').version}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`winsock: unknown command ${JSON.stringify(name)}\n\n${usage.MAIN}`);
    return 2;
  }
  try {
    return await command.load()(args);
  } catch (error) {
    report(error);
    if (error instanceof CommandLineError) {
      process.stderr.write(`\n${command.usage}`);
      return 2;
    }
    return 1;
  }
}

main(process.argv.slice(2)).then(exit, (error) => {
  report(error);
  return exit(1);
});
