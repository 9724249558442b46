// How the commands end: a usage error exits 2 with the command's usage; a
// failed call exits 1 with the error's code, errno and wsaName.
import { errorText } from '../errors';

/** A mistake on the command line (or in a script): exit code 2. */
export class CommandLineError extends Error {
  override name = 'CommandLineError';
}

/** One line on standard error: `winsock: connect ECONNREFUSED errno 111 (connect ECONNREFUSED 127.0.0.1:9)`. */
export function report(error: unknown): void {
  if (error instanceof CommandLineError) {
    process.stderr.write(`winsock: ${error.message}\n`);
    return;
  }
  process.stderr.write(`winsock: ${errorText(error)}\n`);
}

/** Flushes standard output and standard error, then exits with `code`. */
export async function exit(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => {
    if (stream.destroyed || stream.writableEnded) resolve();
    else stream.write('', () => resolve());
  })));
  process.exit(code);
}
