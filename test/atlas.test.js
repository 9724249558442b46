'use strict';
// `winsock atlas`: every case of atlas/ runs on this backend (the Wine suite
// runs them against Winsock) with every expectation held; each case says
// what Linux and Windows do and cites it; --compare tables two runs, and
// refuses a missing or malformed file with ERR_ATLAS_INPUT.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, run } = require('./cli/support');

const CASES = fs.readdirSync(path.join(ROOT, 'atlas')).filter((file) => file.endsWith('.winsock')).sort();

describe('winsock atlas', function () {
  this.timeout(120000);
  let dir;
  let atlasRun;
  // One `winsock atlas --json` for the whole file, started by the first test
  // that needs it (not in a before hook: a test skipped under qemu, which
  // cannot start a child node, then starts nothing).
  const runAtlas = () => {
    atlasRun ??= run(['atlas', '--json']).then(({ code, stdout, stderr }) => ({
      ...JSON.parse(stdout.toString()), exitCode: code, stderr,
    }));
    return atlasRun;
  };
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winsock-atlas-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has at least 40 cases, each with a title, both behaviours and a citation of each system', () => {
    assert.ok(CASES.length >= 40, `${CASES.length} cases`);
    for (const file of CASES) {
      const text = fs.readFileSync(path.join(ROOT, 'atlas', file), 'utf8');
      for (const field of ['case', 'linux', 'windows']) assert.match(text, new RegExp(`^# ${field}: \\S`, 'm'), `${file}: # ${field}:`);
      assert.match(text, /^# cite: https:\/\/man7\.org\//m, `${file}: a Linux man page`);
      assert.match(text, /^# cite: https:\/\/learn\.microsoft\.com\//m, `${file}: a Microsoft page`);
    }
  });

  for (const file of CASES) {
    const id = file.replace(/\.winsock$/, '');
    it(`runs atlas/${file} with every expectation held and reports its observed steps`, async () => {
      const result = await runAtlas();
      const found = result.cases.find((c) => c.id === id);
      assert.ok(found, `${id} missing from the run`);
      assert.equal(found.exit, 0, JSON.stringify(found.observed));
      assert.equal(found.failed, 0);
      assert.ok(found.observed.length > 0);
      for (const o of found.observed) assert.ok('code' in o || 'value' in o, JSON.stringify(o));
    });
  }

  it('exits 0 when every case held', async () => {
    const result = await runAtlas();
    assert.equal(result.exitCode, 0, result.stderr);
  });

  it('renders two runs side by side as Markdown and as HTML, one row a case', async () => {
    const result = await runAtlas();
    const a = path.join(dir, 'a.json');
    fs.writeFileSync(a, JSON.stringify(result));
    const md = await run(['atlas', '--compare', a, a]);
    assert.equal(md.code, 0, md.stderr);
    const rows = md.stdout.toString().trim().split('\n');
    assert.equal(rows.length, CASES.length + 2);
    assert.match(rows[0], /^\| case \| what \|/);
    assert.ok(rows.slice(2).every((row) => row.includes('| same |')), 'a run against itself is the same everywhere');
    const page = await run(['atlas', '--compare', a, a, '--html']);
    assert.equal(page.code, 0);
    assert.match(page.stdout.toString(), /^<!doctype html>[\s\S]*<table>[\s\S]*<\/html>\n$/);
  });

  it('refuses --compare with a missing file, or one that is not an atlas run, with ERR_ATLAS_INPUT', async () => {
    const missing = await run(['atlas', '--compare', path.join(dir, 'none.json'), path.join(dir, 'none.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /ERR_ATLAS_INPUT: cannot read/);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"cases": 3}');
    const malformed = await run(['atlas', '--compare', bad, bad]);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /ERR_ATLAS_INPUT: .* is not the output of winsock atlas --json/);
    const one = await run(['atlas', '--compare', bad]);
    assert.equal(one.code, 2);
    assert.match(one.stderr, /ERR_ATLAS_INPUT: --compare takes two files/);
  });
});
