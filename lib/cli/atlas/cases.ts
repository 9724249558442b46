// An atlas case: a `run` script whose header says what Linux and Windows
// do and where that is documented (`# case:`, `# linux:`, `# windows:`,
// `# cite:`, `# package:` lines), and whose observed steps end with `# observe`.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface AtlasCase {
  id: string;
  file: string;
  title: string;
  linux: string;
  windows: string;
  cites: string[];
  /** Where the package itself hides or renames the platform's behaviour. */
  package: string[];
  /** Lines (1-based) of the steps the atlas reports; `ms` when their duration is reported too. */
  observed: { line: number; ms: boolean }[];
  text: string;
}

/** Reads one case file; a header line missing is an error naming the file. */
export function readCase(file: string): AtlasCase {
  const text = readFileSync(file, 'utf8');
  const field = (name: string) => text.split('\n').filter((l) => l.startsWith(`# ${name}:`)).map((l) => l.slice(name.length + 3).trim());
  const observed = text.split('\n').flatMap((line, i) => {
    const match = /#\s*observe( ms)?\b/.exec(line);
    return match !== null && !line.startsWith('#') ? [{ line: i + 1, ms: match[1] !== undefined }] : [];
  });
  const one = (name: string) => {
    const [value] = field(name);
    if (value === undefined) throw new Error(`${file}: no "# ${name}:" line`);
    return value;
  };
  if (field('cite').length === 0) throw new Error(`${file}: no "# cite:" line`);
  if (observed.length === 0) throw new Error(`${file}: no step ends with "# observe"`);
  return {
    id: basename(file, '.winsock'), file, title: one('case'), linux: one('linux'), windows: one('windows'),
    cites: field('cite'), package: field('package'), observed, text,
  };
}

/** Every case of a directory, in file-name order. */
export function readCases(dir: string): AtlasCase[] {
  return readdirSync(dir).filter((f) => f.endsWith('.winsock')).sort().map((f) => readCase(join(dir, f)));
}
