// What `winsock run` prints: one line a step (or one JSON object a step with
// --json), and a summary a file.
import { errorText } from '../../trace';
import { plain } from './values';

export type Status = 'ok' | 'pass' | 'FAIL' | 'left';

export interface StepReport {
  file: string;
  line: number;
  source: string;
  background: boolean;
  /** ok: it succeeded and nothing was expected; pass: its expectation held; left: still running at the end. */
  status: Status;
  result?: unknown;
  shown: string;
  error?: Error;
  expected?: string;
  reason?: string;
  states: string[];
  ms: number;
}

export interface Summary {
  file: string;
  passed: number;
  failed: number;
  exit: 0 | 1 | 2;
  error?: string;
}

function errorFields(error: Error): Record<string, unknown> {
  const { code, errno, syscall, wsaName } = error as Error & Record<string, unknown>;
  return { name: error.name, code, errno, syscall, wsaName, message: error.message };
}

export class Reporter {
  constructor(readonly json: boolean, readonly write: (line: string) => void) {}

  step(report: StepReport): void {
    if (this.json) {
      this.write(JSON.stringify({
        file: report.file, line: report.line, step: report.source, background: report.background, status: report.status,
        ...(report.error === undefined ? { result: plain(report.result) } : { error: errorFields(report.error) }),
        expected: report.expected ?? null, ...(report.reason === undefined ? {} : { reason: report.reason }),
        states: report.states, ms: Number(report.ms.toFixed(3)),
      }));
      return;
    }
    const outcome = report.error === undefined ? `-> ${report.shown}` : `!! ${errorText(report.error)}`;
    const states = report.states.length > 0 ? `  [${report.states.join(', ')}]` : '';
    const reason = report.reason === undefined ? '' : `  (${report.reason})`;
    this.write(`${String(report.line).padStart(4)} ${report.status.padEnd(4)}  ${report.source.padEnd(44)} ${outcome}${states}${reason}`);
  }

  /** A script error: the file, the line, what is wrong. */
  scriptError(file: string, line: number | undefined, message: string): void {
    if (this.json) this.write(JSON.stringify({ file, line: line ?? null, scriptError: message }));
    else this.write(`${file}${line === undefined ? '' : `:${line}`}: script error: ${message}`);
  }

  summary(summary: Summary): void {
    if (this.json) {
      this.write(JSON.stringify({ summary: true, ...summary }));
      return;
    }
    const verdict = summary.exit === 0 ? 'every expectation held' : summary.exit === 1 ? 'FAILED' : 'script error';
    this.write(`${summary.file}: ${summary.passed} passed, ${summary.failed} failed: ${verdict}`);
  }

  heading(file: string): void {
    if (!this.json) this.write(file);
  }
}
