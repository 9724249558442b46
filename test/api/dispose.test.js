'use strict';
// Socket, Server and IdleReaper close at the end of a `using` scope:
// test/types/dispose.ts, compiled by the project's tsc, then run.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

describe('explicit resource management', () => {
  it('closes a Socket, a Server and an IdleReaper at the end of their using blocks', async function () {
    this.timeout(60000);
    const source = path.join(__dirname, '..', 'types', 'dispose.ts');
    const { outputText, diagnostics } = ts.transpileModule(fs.readFileSync(source, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      reportDiagnostics: true,
    });
    assert.deepEqual(diagnostics, []);
    // Next to the source, so that `winsock` resolves to this package.
    const compiled = path.join(__dirname, '..', 'types', '.dispose.js');
    fs.writeFileSync(compiled, outputText);
    try {
      const { socket, server, reaper } = await require(compiled).scopes();
      assert.equal(socket.state, 'closed');
      assert.equal(server.listening, false);
      assert.throws(() => reaper.add(socket), { code: 'ERR_REAPER_CLOSED' });
    } finally {
      fs.rmSync(compiled, { force: true });
    }
  });

  it('type-checks the using blocks with tsc --strict', function () {
    this.timeout(60000);
    const file = path.join(__dirname, '..', 'types', 'dispose.ts');
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
      target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'], types: ['node'],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
    assert.deepEqual(problems, []);
  });
});
