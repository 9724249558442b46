// `--compare A.json B.json`: two runs side by side, with the documented
// Linux and Windows behaviour and the citations, as Markdown and as HTML.
import { type AtlasRun, type CaseResult, cell } from './run';

function label(run: AtlasRun): string {
  return run.wine ? 'Wine (observed)' : `${run.platform} ${run.backend} (observed)`;
}

const cells = (c: CaseResult | undefined) => (c === undefined ? 'not run' : c.observed.map(cell).join('; '));

/** The rows: one a case of A (and B's cases A lacks). */
function rows(a: AtlasRun, b: AtlasRun): string[][] {
  const ids = [...new Set([...a.cases, ...b.cases].map((c) => c.id))];
  return ids.map((id) => {
    const x = a.cases.find((c) => c.id === id);
    const y = b.cases.find((c) => c.id === id);
    const doc = (x ?? y) as CaseResult;
    // The same behaviour under different numbers (111 and 10061) is the same: codes and values are compared.
    const key = (c: CaseResult) => c.observed.map((o) => o.code ?? JSON.stringify(o.value)).join(';');
    const differs = x !== undefined && y !== undefined && key(x) !== key(y);
    return [id, doc.title, cells(x), cells(y), doc.linux, doc.windows, differs ? 'differs' : 'same', doc.cites.join(' '), doc.package.join(' ')];
  });
}

const HEAD = (a: AtlasRun, b: AtlasRun) =>
  ['case', 'what', label(a), label(b), 'Linux (documented)', 'Windows (documented)', 'observed', 'citations', 'package'];

/** The table as Markdown, and the list of package normalisations after it. */
export function markdown(a: AtlasRun, b: AtlasRun): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const head = HEAD(a, b);
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const row of rows(a, b)) lines.push(`| ${row.map(esc).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

/** The same table as a standalone HTML page. */
export function html(a: AtlasRun, b: AtlasRun): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const link = (s: string) => esc(s).replace(/(https:\/\/\S+)/g, '<a href="$1">$1</a>');
  const body = rows(a, b).map((r) => `<tr${r[6] === 'differs' ? ' class="differs"' : ''}>${r.map((c) => `<td>${link(c)}</td>`).join('')}</tr>`);
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>winsock behaviour atlas</title>\n` +
    '<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px;vertical-align:top}' +
    'tr.differs{background:#fff3cd}</style></head><body>\n<h1>winsock behaviour atlas</h1>\n<table>\n' +
    `<tr>${HEAD(a, b).map((h) => `<th>${esc(h)}</th>`).join('')}</tr>\n${body.join('\n')}\n</table></body></html>\n`;
}
