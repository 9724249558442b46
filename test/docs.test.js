'use strict';
// Every code block of the guide pages (docs/*.md) runs as it is written, on
// every backend, one test a block, as the README's tour does
// (test/readme.test.js):
//   ```js (also javascript, mjs, cjs): run with node, from a folder inside
//     the package so that require('winsock') and import 'winsock' resolve to
//     it; an ES module when it has an import or export statement, CommonJS
//     otherwise. It must exit with code 0 (and close what it opened). A block
//     whose first line is a file name comment (`// handler.js`) is written
//     under that name, so the page's later blocks can load it. A server block,
//     one that stops on SIGINT (`process.on('SIGINT', ...)`), gets SIGINT once
//     it has printed its first line, and must then exit by itself.
//   ```ts (also typescript): with an import, a program: type-checked with
//     tsc --strict against the package's types, then run as an ES module.
//     Without one, a listing of the package's declarations (an interface, a
//     class, a function's signature): each name it declares must be a
//     winsock export whose type agrees with the listing.
// Other blocks (sh, c, text, unlabelled output) are illustrations, not run.
// And every relative link of README.md and the pages leads somewhere.
const assert = require('node:assert/strict');
const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const DOCS = path.join(ROOT, 'docs');
// Inside the package (see package.json "exports": 'winsock' names itself).
const WORK = path.join(__dirname, '.docs');
const RUN_TIMEOUT = 30000;

const LANGUAGES = {
  js: 'js', javascript: 'js', mjs: 'js', cjs: 'js',
  ts: 'ts', typescript: 'ts',
};

/** The fenced code blocks of a Markdown text: { number, line, language, code }, numbered from 1 as a reader counts them. */
function codeBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^```\s*([\w-]*)/);
    if (!open) continue;
    const close = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line));
    assert.ok(close > i, `an unclosed code block at line ${i + 1}`);
    blocks.push({ number: blocks.length + 1, line: i + 1, language: open[1].toLowerCase(), code: lines.slice(i + 1, close).join('\n') + '\n' });
    i = close;
  }
  return blocks;
}

/** The pages under docs/ (docs/api/ is TypeDoc's output, docs/atlas.md the atlas's). */
function pages() {
  return fs.readdirSync(DOCS).filter((name) => name.endsWith('.md')).sort();
}

const isModule = (code) => /^\s*(import\s[\w{*'"]|export\s)/m.test(code);
/** The file name a block's first line gives it (`// handler.js`), if it gives one. */
const fileNameOf = (code) => code.match(/^\/\/ ([\w.-]+\.[cm]?js)[ \t]*\n/)?.[1];

/** Runs `file` with node in `cwd`: resolves with its output, rejects unless it exits with 0. */
function runNode(file, cwd, server) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT);
    child.stdout.on('data', (data) => {
      stdout += data;
      // A server: its first line says it serves; then it is asked to stop.
      if (server && !interrupted && stdout.includes('\n')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (data) => { stderr += data; });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // Windows has no signals: kill() ends the process at once, so a server
      // there passes once it has printed its line.
      if (code === 0 || (server && interrupted && process.platform === 'win32')) resolve(stdout);
      else reject(new Error(`${path.basename(file)} exited with ${signal ?? code}${interrupted ? ' after SIGINT' : ''}\n--- stdout\n${stdout}--- stderr\n${stderr}`));
    });
  });
}

let ts;
function typescript() {
  ts ??= require('typescript');
  return ts;
}

const COMPILER_OPTIONS = () => ({
  strict: true, noEmit: true, skipLibCheck: true, target: typescript().ScriptTarget.ES2022,
  module: typescript().ModuleKind.Node16, moduleResolution: typescript().ModuleResolutionKind.Node16,
  types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')],
});

/** The diagnostics of a program made of `file`, as text. */
function diagnosticsOf(file, program = typescript().createProgram([file], COMPILER_OPTIONS())) {
  const host = { getCanonicalFileName: (name) => name, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
  return typescript().formatDiagnostics(typescript().getPreEmitDiagnostics(program), host);
}

/** The names winsock exports, each with whether it is a type (a class, an interface, an alias). */
function winsockExports(dir) {
  const file = path.join(dir, 'exports.mts');
  fs.writeFileSync(file, "import * as winsock from 'winsock';\nexport { winsock };\n");
  const program = typescript().createProgram([file], COMPILER_OPTIONS());
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const module = checker.getSymbolAtLocation(source.statements[0].moduleSpecifier);
  assert.ok(module, "'winsock' does not resolve for the type checker");
  return new Map(checker.getExportsOfModule(module).map((symbol) => {
    const target = symbol.flags & typescript().SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return [symbol.name, (target.flags & typescript().SymbolFlags.Type) !== 0];
  }));
}

/**
 * Checks a listing of declarations against the package: each declared name
 * is an export, an interface or alias agrees both ways, the package's class
 * (its constructor too, when the listing shows one) and function can stand
 * where the listing's would.
 */
function checkListing(code, dir, name) {
  const declared = [...code.matchAll(/^(?:export\s+)?(?:declare\s+)?(interface|class|function|type)\s+(\w+)/gm)]
    .map(([, kind, id]) => ({ kind, id }));
  assert.ok(declared.length > 0, 'a ts block with neither an import nor a declaration');
  const exported = winsockExports(dir);
  const missing = declared.filter(({ id }) => !exported.has(id)).map(({ id }) => id);
  assert.deepEqual(missing, [], `the listing declares what winsock does not export: ${missing.join(', ')}`);
  const types = [...exported].filter(([id, isType]) => isType && !declared.some((d) => d.id === id)).map(([id]) => id);
  const checks = declared.map(({ kind, id }, i) => {
    if (kind === 'function') return `const f${i}: typeof Documented.${id} = W.${id};`;
    if (kind === 'class') {
      // The static side too, when the listing shows the constructor.
      const body = code.slice(code.search(new RegExp(`^(?:export\\s+)?(?:declare\\s+)?class\\s+${id}\\b`, 'm')));
      const constructs = /^\s+constructor\(/m.test(body.slice(0, body.search(/^\}/m)));
      return `declare const c${i}: W.${id}; const d${i}: Documented.${id} = c${i};` +
        (constructs ? `\nconst s${i}: typeof Documented.${id} = W.${id};` : '');
    }
    return `declare const a${i}: W.${id}; const b${i}: Documented.${id} = a${i};\n` +
      `declare const x${i}: Documented.${id}; const y${i}: W.${id} = x${i};`;
  });
  const file = path.join(dir, `${name}.mts`);
  fs.writeFileSync(file, [
    "import * as W from 'winsock';",
    types.length > 0 ? `import type { ${types.join(', ')} } from 'winsock';` : '',
    /\bEventEmitter\b/.test(code) ? "import { EventEmitter } from 'node:events';" : '',
    'declare namespace Documented {',
    code,
    '}',
    ...checks,
    'export {};',
    '',
  ].join('\n'));
  const diagnostics = diagnosticsOf(file);
  assert.equal(diagnostics, '', `the listing disagrees with the package's types:\n${diagnostics}`);
}

describe('the docs pages', () => {
  before(() => fs.mkdirSync(WORK, { recursive: true }));
  after(() => fs.rmSync(WORK, { recursive: true, force: true }));

  for (const page of pages()) {
    const dir = path.join(WORK, page.replace(/\.md$/, ''));
    const blocks = codeBlocks(fs.readFileSync(path.join(DOCS, page), 'utf8'));
    for (const block of blocks) {
      const language = LANGUAGES[block.language];
      if (language === undefined) continue;
      const title = `docs/${page}, block ${block.number}`;
      if (language === 'js') {
        it(`${title}, runs`, async function () {
          this.timeout(RUN_TIMEOUT + 10000);
          fs.mkdirSync(dir, { recursive: true });
          // The files the page's earlier blocks name, so that this one runs alone too (--grep).
          for (const earlier of blocks.filter((other) => other.number < block.number && fileNameOf(other.code))) {
            fs.writeFileSync(path.join(dir, fileNameOf(earlier.code)), earlier.code);
          }
          const name = fileNameOf(block.code) ?? `block-${block.number}.${isModule(block.code) ? 'mjs' : 'cjs'}`;
          fs.writeFileSync(path.join(dir, name), block.code);
          await runNode(path.join(dir, name), dir, /process\.on\('SIGINT'/.test(block.code));
        });
      } else if (isModule(block.code)) {
        it(`${title}, type-checks and runs`, async function () {
          this.timeout(RUN_TIMEOUT + 60000);
          fs.mkdirSync(dir, { recursive: true });
          const file = path.join(dir, `block-${block.number}.mts`);
          fs.writeFileSync(file, block.code);
          const diagnostics = diagnosticsOf(file);
          assert.equal(diagnostics, '', diagnostics);
          const js = typescript().transpileModule(block.code, { compilerOptions: { module: typescript().ModuleKind.ESNext, target: typescript().ScriptTarget.ES2022 } });
          fs.writeFileSync(path.join(dir, `block-${block.number}.mjs`), js.outputText);
          await runNode(path.join(dir, `block-${block.number}.mjs`), dir, /process\.on\('SIGINT'/.test(block.code));
        });
      } else {
        it(`${title}, agrees with the package's types`, function () {
          this.timeout(60000);
          fs.mkdirSync(dir, { recursive: true });
          checkListing(block.code, dir, `block-${block.number}`);
        });
      }
    }
  }

  it('every relative link of README.md and docs/*.md leads to a file, and a #fragment to a heading', () => {
    const broken = [];
    for (const page of ['README.md', ...pages().map((name) => `docs/${name}`)]) {
      const text = fs.readFileSync(path.join(ROOT, page), 'utf8').replace(/^```[\s\S]*?^```$/gm, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;   // https:, mailto:
        const [file, fragment] = target.split('#');
        const resolved = file === '' ? path.join(ROOT, page) : path.join(ROOT, path.dirname(page), file);
        if (!fs.existsSync(resolved)) { broken.push(`${page}: ${target}`); continue; }
        if (fragment !== undefined && resolved.endsWith('.md') && !anchors(fs.readFileSync(resolved, 'utf8')).has(fragment)) {
          broken.push(`${page}: ${target} (no such heading)`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });
});

/** The anchors GitHub makes for a page's headings. */
function anchors(text) {
  const seen = new Map();
  const result = new Set();
  for (const [, heading] of text.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/^#{1,6}\s+(.*)$/gm)) {
    const slug = heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

module.exports = { codeBlocks };
