// `using` and `await using` with the package's types: compiled and run by
// dispose.test.js with the project's own tsc (TypeScript 5.2+ syntax).
import { IdleReaper, Server, Socket, createServer } from 'winsock';

export async function scopes(): Promise<{ socket: Socket; server: Server; reaper: IdleReaper }> {
  let kept: Socket;
  let keptServer: Server;
  let keptReaper: IdleReaper;
  {
    await using socket = new Socket();
    socket.bind({ address: '127.0.0.1', port: 0 });
    kept = socket;
  }
  {
    await using server = createServer({ address: '127.0.0.1', port: 0 }, () => {});
    await server.listen();
    keptServer = server;
  }
  {
    using reaper = new IdleReaper({ timeout: 1000 });
    keptReaper = reaper;
  }
  return { socket: kept, server: keptServer, reaper: keptReaper };
}
