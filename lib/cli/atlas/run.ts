// Runs atlas cases on the live backend: each script through the `run`
// runner, the observed steps kept as rows (code, errno, value, ms).
import { backend, underWine } from '../../index';
import { Reporter, type StepReport } from '../script/report';
import { runScript } from '../script/runner';
import { plain } from '../script/values';
import type { AtlasCase } from './cases';

export interface Observation {
  line: number;
  step: string;
  status: string;
  code?: string;
  errno?: number;
  wsaName?: string;
  value?: unknown;
  ms?: number;
}

export interface CaseResult {
  id: string;
  title: string;
  linux: string;
  windows: string;
  cites: string[];
  package: string[];
  passed: number;
  failed: number;
  exit: number;
  observed: Observation[];
}

export interface AtlasRun {
  backend: string;
  platform: string;
  wine: boolean;
  node: string;
  cases: CaseResult[];
}

/** A reporter that keeps the step reports instead of printing them. */
class Keeper extends Reporter {
  readonly steps: StepReport[] = [];
  constructor() { super(false, () => {}); }
  override step(report: StepReport): void { this.steps.push(report); }
}

// Ports differ from run to run: a datagram's sender address is left out of the row.
function withoutAddress(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const { address: _address, ...rest } = value as Record<string, unknown>;
  return rest;
}

function observation(report: StepReport, ms: boolean): Observation {
  const error = report.error as (Error & { code?: string; errno?: number; wsaName?: string }) | undefined;
  return {
    line: report.line, step: report.source, status: report.status,
    ...(error === undefined ? { value: withoutAddress(plain(report.result)) } : { code: error.code, errno: error.errno, wsaName: error.wsaName }),
    ...(ms ? { ms: Number(report.ms.toFixed(1)) } : {}),
  };
}

/** Runs every case here, one after the other. */
export async function runAtlas(cases: AtlasCase[], timeout: number): Promise<AtlasRun> {
  const results: CaseResult[] = [];
  for (const one of cases) {
    const keeper = new Keeper();
    const summary = await runScript(one.file, one.text, { timeout, reporter: keeper });
    results.push({
      id: one.id, title: one.title, linux: one.linux, windows: one.windows, cites: one.cites, package: one.package,
      passed: summary.passed, failed: summary.failed, exit: summary.exit,
      observed: one.observed.flatMap(({ line, ms }) => {
        const report = keeper.steps.find((s) => s.line === line);
        return report === undefined ? [] : [observation(report, ms)];
      }),
    });
  }
  return { backend, platform: process.platform, wine: underWine, node: process.version, cases: results };
}

/** One observation as a table cell: `! CODE errno N` or `=> value`. */
export function cell(o: Observation): string {
  const what = o.code !== undefined ? `! ${o.code} ${o.errno ?? ''}${o.wsaName ? ` ${o.wsaName}` : ''}`.trim() : `=> ${JSON.stringify(o.value)}`;
  return `${what}${o.ms !== undefined ? ` (${o.ms} ms)` : ''}${o.status === 'FAIL' ? ' FAIL' : ''}`;
}
