'use strict';
// The published types, compiled as a user's code would be (tsc --strict,
// node16 resolution through the package's own exports): see test/types/.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

function diagnostics(file) {
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'], types: ['node'], skipLibCheck: false,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

describe('the types', () => {
  // Every .ts file of test/types/: what must compile does, and each line
  // under @ts-expect-error fails (tsc reports an unused one).
  const files = fs.readdirSync(path.join(__dirname, 'types')).filter((name) => name.endsWith('.ts'));
  for (const file of files) {
    it(`compile test/types/${file} as a user's code would, with tsc --strict`, function () {
      this.timeout(60000);  // a whole program check: a few seconds
      assert.deepEqual(diagnostics(path.join(__dirname, 'types', file)), []);
    });
  }
});
