'use strict';
// One round of one scenario in a process of its own, for the bench's
// columns that cannot run in the bench's process: winsock on its other
// Linux engine (WINSOCK_BACKEND must be set before the addon loads), and
// Bun, which runs the node impl (net and dgram as Bun implements them).
//   node|bun bench/round.js SCENARIO SHAPE IMPL '{"quick":false,"scale":1}'
// A short run first (the scenario's --quick counts) warms the JIT up, as
// the warm-up round does for the columns run.js measures in its own
// process; then one JSON line: the figures the measured run returned.
const { closeAll } = require('./harness');

async function main() {
  const [name, shape, impl, json] = process.argv.slice(2);
  const scenario = require(`./scenarios/${name}`);
  const params = { ...JSON.parse(json), impl, shape };
  if (!scenario.fixedShape && !params.quick) {
    await scenario.run({ ...params, quick: true });
    closeAll();
  }
  const figures = await scenario.run(params);
  closeAll();
  process.stdout.write(JSON.stringify(figures) + '\n');
}

main().catch((error) => {
  process.stderr.write(`round: ${error.stack || error}\n`);
  process.exitCode = 1;
});
