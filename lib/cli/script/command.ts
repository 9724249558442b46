// `winsock run [--json] [--trace] [--timeout MS] FILE...`: each script in
// turn; the exit code is the worst of theirs (2 a script error, 1 a failed
// expectation, 0 all held).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { CommandLineError } from '../errors';
import { printTrace, toStderr } from '../trace-printer';
import { RUN } from '../usage';
import { Reporter } from './report';
import { runScript } from './runner';

const DEFAULT_TIMEOUT = 10000;

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        trace: { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CommandLineError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(RUN);
    return 0;
  }
  if (positionals.length === 0) throw new CommandLineError('run takes at least one FILE');
  const timeout = values.timeout === undefined ? DEFAULT_TIMEOUT : Number(values.timeout);
  if (!Number.isInteger(timeout) || timeout <= 0) throw new CommandLineError(`--timeout takes milliseconds, got ${values.timeout}`);
  if (values.trace) printTrace(toStderr);
  const reporter = new Reporter(Boolean(values.json), (line) => process.stdout.write(`${line}\n`));
  let exit = 0;
  for (const file of positionals) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      reporter.scriptError(file, undefined, `cannot read it: ${(error as Error).message}`);
      exit = 2;
      continue;
    }
    const summary = await runScript(file, text, { timeout, reporter });
    exit = Math.max(exit, summary.exit);
  }
  return exit;
}
