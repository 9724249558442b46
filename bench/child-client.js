'use strict';
// The child side of shape 'child' (and of the idle-memory processes): waits
// for { scenario, role, params } on IPC, runs that role of bench/scenarios/<scenario>.js,
// sends back { type: 'result', value } or { type: 'error' }, then lets the
// process end by itself (the parent kills it if it does not).
const ipc = {
  send: (message) => process.send(message),
  /** Resolves with the next IPC message of that type. */
  message: (type) => new Promise((resolve) => {
    const listener = (message) => {
      if (message.type !== type) return;
      process.off('message', listener);
      resolve(message);
    };
    process.on('message', listener);
  }),
};

process.once('message', async ({ scenario, role, params }) => {
  let reply;
  try {
    const value = await require(`./scenarios/${scenario}`).roles[role](params, ipc);
    reply = { type: 'result', value };
  } catch (error) {
    reply = { type: 'error', message: String(error && error.message), stack: String(error && error.stack) };
  }
  process.send(reply, () => process.disconnect());
});
