// `winsock atlas [--json] [--dir DIR]`: every case on the live backend, one
// row a case; `winsock atlas --compare A.json B.json [--html]`: two runs'
// JSON side by side as Markdown (or a standalone HTML page).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { CommandLineError } from '../errors';
import { ATLAS } from '../usage';
import { readCases } from './cases';
import { type AtlasRun, cell, runAtlas } from './run';
import { html, markdown } from './table';

/** A compare input that is missing or not an atlas run: exit 2, with its code. */
export class AtlasInputError extends CommandLineError {
  readonly code = 'ERR_ATLAS_INPUT';
  constructor(message: string) {
    super(`ERR_ATLAS_INPUT: ${message}`);
  }
}

function load(file: string): AtlasRun {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AtlasInputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let run: AtlasRun;
  try {
    run = JSON.parse(text) as AtlasRun;
  } catch (error) {
    throw new AtlasInputError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (run === null || typeof run !== 'object' || !Array.isArray(run.cases) || typeof run.backend !== 'string') {
    throw new AtlasInputError(`${file} is not the output of winsock atlas --json (no backend, no cases)`);
  }
  return run;
}

/** The subcommand; exit 0 when every case's expectations held, 1 when not. */
export async function atlas(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { json: { type: 'boolean' }, compare: { type: 'boolean' }, html: { type: 'boolean' },
        dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new CommandLineError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(ATLAS);
    return 0;
  }
  if (values.compare) {
    if (positionals.length !== 2) throw new AtlasInputError('--compare takes two files: A.json B.json');
    const [a, b] = positionals.map(load);
    process.stdout.write(values.html ? html(a, b) : markdown(a, b));
    return 0;
  }
  if (positionals.length > 0) throw new CommandLineError(`atlas takes no FILE (got ${positionals.join(' ')}); --compare takes two`);
  const cases = readCases(values.dir ?? join(__dirname, '..', '..', '..', 'atlas'));
  const result = await runAtlas(cases, 10000);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
  } else {
    for (const c of result.cases) {
      process.stdout.write(`${c.id.padEnd(40)} ${c.failed > 0 || c.exit !== 0 ? 'FAIL' : 'ok  '}  ${c.observed.map(cell).join('; ')}\n`);
    }
    const failed = result.cases.filter((c) => c.exit !== 0).length;
    process.stdout.write(`atlas: ${result.cases.length} cases on ${result.wine ? 'wine' : result.backend}, ${failed} failed\n`);
  }
  return result.cases.some((c) => c.exit !== 0) ? 1 : 0;
}
