'use strict';
// `winsock run`: every script of examples/scripts passes on this backend
// (the Wine suite runs them against Winsock), a wrong expectation exits 1,
// a mistake in a script exits 2 with its file and line, --json gives one
// object a step.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, run } = require('./support');

const SCRIPTS = path.join(ROOT, 'examples', 'scripts');

describe('winsock run', function () {
  this.timeout(60000);
  let dir;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winsock-run-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A script file of these lines. */
  const script = (name, lines) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };

  const PAIR = [
    'srv = socket',
    'srv.bind 127.0.0.1:0',
    'srv.listen',
    'cli = socket',
    'con = srv.accept &',
    'cli.connect @srv',
    'wait srv',
  ];

  for (const name of fs.readdirSync(SCRIPTS).filter((file) => file.endsWith('.winsock')).sort()) {
    it(`passes examples/scripts/${name}`, async () => {
      const { code, stdout, stderr } = await run(['run', path.join('examples', 'scripts', name)]);
      assert.equal(code, 0, `${stdout}${stderr}`);
      assert.match(stdout.toString(), /: \d+ passed, 0 failed: every expectation held\n$/);
      assert.doesNotMatch(stdout.toString(), /FAIL/);
    });
  }

  it('exits 1 on a script whose expectation is wrong, and says which step', async () => {
    const text = fs.readFileSync(path.join(SCRIPTS, '01-stream-sequence.winsock'), 'utf8');
    const wrong = text.replace('con.recv 1024 => "hello, server"', 'con.recv 1024 => "hello, world"');
    assert.notEqual(wrong, text);
    const file = script('wrong.winsock', [wrong]);
    const { code, stdout } = await run(['run', file]);
    assert.equal(code, 1, stdout);
    const lines = stdout.toString().split('\n');
    const failed = lines.filter((line) => / FAIL /.test(line));
    assert.equal(failed.length, 1, stdout);
    assert.match(failed[0], /^ +\d+ FAIL +con\.recv 1024 => "hello, world" +-> "hello, server" +\(expected => "hello, world"\)$/);
    assert.match(stdout.toString(), /wrong\.winsock: \d+ passed, 1 failed: FAILED\n$/);
  });

  it('exits 1 when a step fails that nothing says may, and when one succeeds that should fail', async () => {
    const file = script('unexpected.winsock', [
      'a = socket',
      'a.listen',                               // ERR_SOCKET_STATE, not expected
      'a.bind 127.0.0.1:0 ! EADDRINUSE',        // succeeds, but a failure was expected
    ]);
    const { code, stdout } = await run(['run', file]);
    assert.equal(code, 1);
    assert.match(stdout.toString(), /2 FAIL +a\.listen +!! ERR_SOCKET_STATE .*\(it failed, and nothing says it may\)/);
    assert.match(stdout.toString(), /3 FAIL +a\.bind 127\.0\.0\.1:0 ! EADDRINUSE +-> ok .*\(expected ! EADDRINUSE, but it succeeded\)/);
  });

  it('exits 2 on a mistake in a script, with its file and line, before running anything', async () => {
    const cases = [
      [['a = socket', 'b.bind 127.0.0.1:0'], 2, /b is not made before this line/],
      [['a = socket', 'a.send "unterminated'], 2, /unterminated string/],
      [['a = socket', 'a.frobnicate'], 2, /a socket has no method frobnicate/],
      [['a = socket', 'wait a'], 2, /no step of a runs in the background/],
      [['a = socket', 'a.recv 10 => bare'], 2, /=> takes a JSON value/],
      [['a = socket', 'a.recv 10 ! ECONNRESET on mars'], 2, /on takes one of posix, winsock, wine/],
      [['a = socket sideways'], 1, /socket takes stream\|dgram\|raw/],
      [['a = socket', 'a.send "x" sideways'], 2, /send takes 1 argument and the flags oob, dontroute/],
    ];
    for (const [index, [lines, line, message]] of cases.entries()) {
      const file = script(`mistake-${index}.winsock`, lines);
      const { code, stdout } = await run(['run', file]);
      assert.equal(code, 2, `${lines.join(' / ')}: ${stdout}`);
      const text = stdout.toString();
      assert.ok(text.startsWith(`${file}:${line}: script error: `), text);
      assert.match(text, message);
      assert.doesNotMatch(text, / ok /, 'nothing ran');
    }
  });

  it('exits 2 when a step uses a socket that a background step has not given yet', async () => {
    const file = script('early.winsock', [...PAIR.slice(0, 5), 'con.recv 1']);
    const { code, stdout } = await run(['run', file]);
    assert.equal(code, 2, stdout);
    assert.match(stdout.toString(), /early\.winsock:6: script error: con is not there yet: line 5 makes it in the background/);
  });

  it('fails a step that does not complete within --timeout, and stops there', async () => {
    const file = script('stuck.winsock', [...PAIR, 'con.recv 10', 'cli.close']);
    const { code, stdout } = await run(['run', '--timeout', '500', file]);
    assert.equal(code, 1, stdout);
    assert.match(stdout.toString(), /8 FAIL +con\.recv 10 .*\(it did not complete within 500 ms; the script stops here\)/);
    assert.doesNotMatch(stdout.toString(), /cli\.close/);
  });

  it('prints one JSON object a step with --json, then a summary', async () => {
    const { code, stdout } = await run(['run', '--json', path.join('examples', 'scripts', '06-refused-connect.winsock')]);
    assert.equal(code, 0);
    const objects = stdout.toString().trim().split('\n').map((line) => JSON.parse(line));
    const summary = objects.pop();
    assert.deepEqual([summary.summary, summary.exit, summary.failed], [true, 0, 0]);
    assert.ok(objects.every((step) => ['ok', 'pass'].includes(step.status) && Number.isInteger(step.line)));
    const refused = objects.find((step) => step.step === 'cli.connect @probe ! ECONNREFUSED');
    assert.equal(refused.error.code, 'ECONNREFUSED');
    assert.equal(typeof refused.error.errno, 'number');
    assert.equal(refused.expected, '! ECONNREFUSED');
    assert.deepEqual(refused.states, ['created => connecting', 'connecting => closed']);
  });

  it('runs several files in turn; the exit code is the worst of theirs', async () => {
    const good = path.join('examples', 'scripts', '12-state-errors.winsock');
    const bad = script('bad.winsock', ['a = socket', 'a.state => "bound"']);
    const { code, stdout } = await run(['run', good, bad]);
    assert.equal(code, 1);
    assert.match(stdout.toString(), /12-state-errors\.winsock: \d+ passed, 0 failed: every expectation held/);
    assert.match(stdout.toString(), /bad\.winsock: 1 passed, 1 failed: FAILED/);
  });
});
