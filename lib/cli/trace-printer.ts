// --trace: every call and state change the package publishes, as one line
// each on standard error (the format NODE_DEBUG=winsock prints).
import diagnosticsChannel from 'node:diagnostics_channel';

import { type CallMessage, type StateMessage, formatCall, formatState } from '../trace';

/** Prints each trace message through `write`; the function returned stops it. */
export function printTrace(write: (line: string) => void): () => void {
  const onCall = (message: unknown) => write(`trace ${formatCall(message as CallMessage)}`);
  const onState = (message: unknown) => write(`trace ${formatState(message as StateMessage)}`);
  diagnosticsChannel.subscribe('winsock:call', onCall);
  diagnosticsChannel.subscribe('winsock:state', onState);
  return () => {
    diagnosticsChannel.unsubscribe('winsock:call', onCall);
    diagnosticsChannel.unsubscribe('winsock:state', onState);
  };
}

/** A writer of whole lines to standard error. */
export const toStderr = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
