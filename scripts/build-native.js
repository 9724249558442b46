'use strict';
// `npm run build:native`: the developer build of the addon with cmake-js,
// into build/Release/winsock.node, where node-gyp-build finds it.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const result = spawnSync(process.execPath, [cmakeJs, 'build', '--directory', root], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
