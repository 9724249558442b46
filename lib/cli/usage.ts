// The help text of each subcommand, in one place: `winsock --help` and
// `winsock COMMAND --help` print these.

export const MAIN = `usage: winsock COMMAND [OPTIONS] [ARGUMENTS]

The Berkeley socket API from the command line: Winsock 2 on Windows, BSD
sockets elsewhere, every call and state change visible.

commands:
  listen [HOST:]PORT   accept a connection; standard input to it, it to standard output
  connect HOST:PORT    connect; standard input to the socket, the socket to standard output
  repl                 an interactive socket lab (connect, send, oob, recv, shutdown, ...)
  run FILE...          run behaviour scripts; exit 0 if every expectation held, 1 if not, 2 on a script error
  atlas                run the behaviour atlas (atlas/*.winsock) here; --compare A.json B.json tables two runs
  info                 the backend, its constants and which typed options this platform supports

winsock COMMAND --help shows a command's options. NODE_DEBUG=winsock traces
any program that uses the package.
`;

const NETCAT_OPTIONS = `  --udp              datagrams instead of a stream
  --inet6            an IPv6 socket (HOST defaults to ::)
  --nodelay          set TCP_NODELAY
  --linger0          at EOF on standard input, close with a reset (SO_LINGER 0) instead of a half-close
  --timeout MS       give up a connect after MS; end a connection idle (no data either way) for MS
  --oob-byte X       send the byte X (a character, or 0xNN) as urgent data (MSG_OOB) where it
                     appears on standard input
  --trace            print every call and state change on standard error
  -h, --help         this text`;

export const LISTEN = `usage: winsock listen [OPTIONS] [HOST:]PORT

Binds HOST:PORT (HOST defaults to 0.0.0.0; port 0 picks one), prints
"listening on HOST:PORT" on standard error, and accepts a connection.
Standard input goes to it and what it sends to standard output; at EOF on
standard input the socket is half-closed (shutdown send) and what the peer
sends is still printed until its EOF, as nc -N does. Urgent data received
is shown on standard error, never in standard output.

options:
  --keep             serve one connection after another (standard input goes to the first)
${NETCAT_OPTIONS}
`;

export const CONNECT = `usage: winsock connect [OPTIONS] HOST:PORT

Connects to HOST:PORT. Standard input goes to the socket and what the peer
sends to standard output; at EOF on standard input the socket is
half-closed (shutdown send) and what the peer sends is still printed until
its EOF, as nc -N does. Urgent data received is shown on standard error.

options:
  --bind HOST:PORT   bind there before connecting
${NETCAT_OPTIONS}
`;

export const REPL = `usage: winsock repl [OPTIONS] [connect HOST:PORT | listen [HOST:]PORT]

An interactive socket lab. Each line is a command on the current socket;
every call it makes is shown with its result or error (code, errno, and on
Windows wsaName), with each state change, and data and urgent data that
arrive are shown as they come. Tab completes commands and option names; the
history is kept in ~/.winsock_repl_history (WINSOCK_REPL_HISTORY names
another file; empty keeps none). Type help for the commands.

options:
  --udp              start with a datagram socket
  --inet6            start with an IPv6 socket
  -h, --help         this text
`;

export const RUN = `usage: winsock run [OPTIONS] FILE...

Runs behaviour scripts: one step a line, each awaited before the next
unless it ends with &. Each step prints one line: the call, its result,
and whether its expectation held. Exit code 0 when every expectation held,
1 when one failed, 2 on a script error (with file and line).

  # a comment
  srv = socket stream inet            name = socket [stream|dgram|raw] [inet|inet6|unix]
  srv.bind 127.0.0.1:0
  srv.listen 4
  cli = socket
  con = srv.accept &                  & runs it in the background
  cli.connect @srv                    @name: that socket's local address
  wait srv                            awaits srv's last background step
  cli.send "abc" oob                  strings are JSON strings; flags follow
  con.recv 2 => "ab"                  => the expected result, a JSON value
  con.recv 10 ! ECONNRESET            ! the step must fail with this code
  con.recv 10 => "" on wine ! ECONNRESET
                                      per backend: on posix, winsock, wine, windows, linux, darwin

options:
  --json             one JSON object a step (and one summary a file)
  --trace            print every call and state change on standard error
  --timeout MS       the longest a step may take (default 10000)
  -h, --help         this text

The step language is described in full in the README ("winsock run").
`;

export const INFO = `usage: winsock info [--json]

The backend and what it is (WinSock 2.2, or the kernel), whether it runs
under Wine, the platform's constants, and the typed options with this
platform's answer for each.

options:
  --json             the same as one JSON object
  -h, --help         this text
`;

export const ATLAS = `usage: winsock atlas [--json] [--dir DIR]
       winsock atlas --compare A.json B.json [--html]

Runs every behaviour case (atlas/*.winsock) on this backend and prints one
row a case: the observed code and errno, or the value (and ms where a case
times a step). Exit 0 when every case's expectations held, 1 when not.

options:
  --json             the whole run as JSON (the input of --compare)
  --dir DIR          the cases' directory (default: the package's atlas/)
  --compare A B      two --json runs side by side, with the documented
                     Linux and Windows behaviour and citations, as Markdown
  --html             with --compare: a standalone HTML page instead
  -h, --help         this text
`;
