'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

function gypSources() {
  const gyp = JSON.parse(fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8'));
  const target = gyp.targets[0];
  const [[, win, posix]] = target.conditions;
  return { glue: target.sources, win: win.sources, posix: posix.sources };
}

function cmakeSources(variable) {
  const text = fs.readFileSync(path.join(root, 'CMakeLists.txt'), 'utf8');
  const match = text.match(new RegExp(`set\\(${variable}\\s+([^)]*)\\)`));
  assert.ok(match, `${variable} is missing from CMakeLists.txt`);
  return match[1].split(/\s+/).filter(Boolean);
}

function filesIn(folder) {
  return fs.readdirSync(path.join(root, folder)).filter((name) => name.endsWith('.cc')).map((name) => `${folder}/${name}`).sort();
}

describe('the build files', () => {
  it('list the same sources in binding.gyp and CMakeLists.txt', () => {
    const gyp = gypSources();
    assert.deepEqual(cmakeSources('WINSOCK_GLUE_SOURCES'), gyp.glue);
    assert.deepEqual(cmakeSources('WINSOCK_WIN_SOURCES'), gyp.win);
    assert.deepEqual(cmakeSources('WINSOCK_POSIX_SOURCES'), gyp.posix);
  });

  it('list every source file there is, each once', () => {
    const gyp = gypSources();
    assert.deepEqual([...gyp.glue].sort(), filesIn('native'));
    assert.deepEqual([...gyp.win].sort(), filesIn('native/win'));
    assert.deepEqual([...gyp.posix].sort(), filesIn('native/posix'));
  });

  it('keep platform switches out of the binding glue and lib/', () => {
    const glue = filesIn('native').map((file) => fs.readFileSync(path.join(root, file), 'utf8'));
    for (const text of glue) assert.doesNotMatch(text, /#\s*if(def)?\s*(defined\()?\s*_WIN32/);
    for (const name of fs.readdirSync(path.join(root, 'lib'), { recursive: true })) {
      if (!String(name).endsWith('.ts')) continue;
      const text = fs.readFileSync(path.join(root, 'lib', String(name)), 'utf8');
      assert.doesNotMatch(text, /process\.platform\s*===?\s*'win32'/, `lib/${name} switches on the platform`);
    }
  });
});
