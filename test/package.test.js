'use strict';
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

describe('the package', () => {
  it('loads with require, exporting the whole contract', () => {
    const winsock = require('winsock');
    for (const name of ['Socket', 'SocketError', 'SocketStateError', 'AbortError', 'IdleReaper', 'Server', 'createServer']) {
      assert.equal(typeof winsock[name], 'function', name);
    }
    assert.equal(typeof winsock.codec.pack, 'function');
    assert.equal(typeof winsock.constants.AF_INET, 'number');
    assert.ok(['winsock', 'posix'].includes(winsock.backend));
    assert.equal(new winsock.Socket().backend, winsock.backend);
  });

  it('loads with import, named exports and the codec subpath included', () => {
    const script = `
      import { Socket, codec, backend } from 'winsock';
      import { pack } from 'winsock/codec';
      const socket = new Socket();
      socket.close();
      console.log(JSON.stringify([typeof codec.unpack, pack('>H', 258).toString('hex'), backend, socket.state]));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    const [unpack, packed, backend, state] = JSON.parse(out.trim().split('\n').pop());
    assert.deepEqual([unpack, packed, state], ['function', '0102', 'closed']);
    assert.equal(backend, require('winsock').backend);
  });
});
