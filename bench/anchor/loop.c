// The bench's C anchor: what one thread with an epoll(7) loop and plain
// system calls does on this machine, the ceiling a Node socket layer is
// measured against. Linux only; npm run bench builds it (bench/setup.sh).
//
//   loop tcp-pingpong COUNT same|child   64 B messages, one in flight
//   loop tcp-pingpong-many COUNT same|child  the same on MANY connections at once, COUNT in all
//   loop tcp-bulk BYTES same|child       BYTES one way in 64 KiB writes
//   loop udp-pingpong COUNT same|child   64 B datagrams, one in flight
//   loop udp-burst COUNT child           64 B datagrams one way, as fast as sendto(2) goes
//   loop churn COUNT same|child          connect, 64 B each way, close; 4 at a time
//   loop http-server                     prints {"port":N}, answers HTTP/1.1
//                                        keep-alive GETs until stdin closes
//
// Prints one JSON line: {"value":N} (udp-burst: {"rate":N,"share":P}), the
// figure the JS scenario of the same name measures, measured the same way
// (by the client, or by the reader for tcp-bulk and udp-burst). 'same' runs
// both ends in this one loop; 'child' forks the client (the sender of
// udp-burst), which runs a loop of its own and reports through a pipe.
// Level-triggered, one read(2) or recv(2) per readiness event, as a
// straightforward C server would be written: no batching system calls.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { SIZE = 64, CHUNK = 64 * 1024, LANES = 4, MANY = 50, MAX_FDS = 65536 };

enum role {
  UNUSED, LISTENER, TCP_ECHO, TCP_PING, BULK_SINK, BULK_SOURCE, UDP_ECHO, UDP_PING, UDP_SINK,
  CHURN_CLIENT, CHURN_SERVER, HTTP_CONN, CONTROL, RESULT_PIPE,
};

// Each fd's state, indexed by the fd: an event for an fd closed earlier in
// the same epoll_wait batch then finds UNUSED (or a new socket that simply
// gets EAGAIN), never freed memory.
struct conn {
  enum role role;
  long long count; // messages, bytes or datagrams, by role
  int matched;     // HTTP_CONN: bytes of "\r\n\r\n" matched so far
};

static struct conn conns[MAX_FDS];
static int loop_fd;
static int finished;           // set when the measured end is done
static double result;
static enum role accepted_role; // what LISTENER makes of a new connection
static long long target;        // COUNT or BYTES
static long long started_lanes, answered;
static double started_at, last_at;
static struct sockaddr_in server_address;
static char buffer[CHUNK];
static char message[SIZE];

static const char RESPONSE[] =
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\nHello, world!";

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t); // system-wide: comparable across the fork
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void watch(int fd, enum role role, uint32_t events) {
  if (fd >= MAX_FDS) {
    fprintf(stderr, "fd %d past %d\n", fd, MAX_FDS);
    exit(1);
  }
  conns[fd] = (struct conn){ .role = role };
  struct epoll_event event = { .events = events, .data.fd = fd };
  if (epoll_ctl(loop_fd, EPOLL_CTL_ADD, fd, &event) < 0) die("epoll_ctl ADD");
}

static void rewatch(int fd, uint32_t events) {
  struct epoll_event event = { .events = events, .data.fd = fd };
  if (epoll_ctl(loop_fd, EPOLL_CTL_MOD, fd, &event) < 0) die("epoll_ctl MOD");
}

static void drop(int fd) {
  conns[fd].role = UNUSED;
  close(fd); // also leaves the epoll set: nothing else holds the file
}

static void no_delay(int fd) {
  int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

// A stream or datagram socket on 127.0.0.1, port 0 (the kernel picks).
static int bound_socket(int type) {
  int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) die("bind");
  socklen_t length = sizeof server_address;
  if (getsockname(fd, (struct sockaddr *)&server_address, &length) < 0) die("getsockname");
  return fd;
}

static int listener(enum role for_accepted) {
  int fd = bound_socket(SOCK_STREAM);
  if (listen(fd, 1024) < 0) die("listen");
  accepted_role = for_accepted;
  watch(fd, LISTENER, EPOLLIN);
  return fd;
}

// A connecting client socket; writable once connected.
static int connector(enum role role, uint32_t events) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  no_delay(fd);
  if (connect(fd, (struct sockaddr *)&server_address, sizeof server_address) < 0 && errno != EINPROGRESS) die("connect");
  watch(fd, role, events);
  return fd;
}

static void send_all(int fd, const char *data, size_t length) {
  while (length > 0) {
    ssize_t n = send(fd, data, length, MSG_NOSIGNAL);
    if (n < 0 && errno == EAGAIN) continue; // 64 B answers: the buffer is never full for long
    if (n < 0) return;                      // the peer is gone; its EOF or error comes next
    data += n;
    length -= (size_t)n;
  }
}

static void start_churn_lane(void) {
  started_lanes++;
  connector(CHURN_CLIENT, EPOLLOUT);
}

static void on_ready(int fd, uint32_t events) {
  struct conn *conn = &conns[fd];
  ssize_t n;
  switch (conn->role) {
  case UNUSED:
    return;
  case LISTENER:
    for (;;) {
      int accepted = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (accepted < 0) return;
      no_delay(accepted);
      watch(accepted, accepted_role, EPOLLIN);
      if (accepted_role == BULK_SINK) started_at = now();
    }
  case TCP_ECHO: // echoes what came; closes at EOF
    n = recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) send_all(fd, buffer, (size_t)n);
    else if (n == 0 || errno != EAGAIN) drop(fd);
    return;
  case TCP_PING: // connected: the clock starts with the first send (of the last to connect); then counts whole echoes
    if (events & EPOLLOUT) {
      started_at = now();
      send_all(fd, message, SIZE);
      rewatch(fd, EPOLLIN);
      return;
    }
    n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      if (n == 0 || errno != EAGAIN) die("ping-pong: the echo side went away");
      return;
    }
    conn->count += n;
    while (conn->count >= SIZE) {
      conn->count -= SIZE;
      if (++answered == target) {
        result = (double)target / (now() - started_at);
        finished = 1;
        drop(fd);
        return;
      }
      send_all(fd, message, SIZE);
    }
    return;
  case BULK_SINK: // counts bytes to EOF
    n = recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) conn->count += n;
    else if (n == 0) {
      if (conn->count != target) {
        fprintf(stderr, "bulk: %lld of %lld bytes\n", conn->count, target);
        exit(1);
      }
      result = (double)conn->count / (1024.0 * 1024.0) / (now() - started_at);
      finished = 1;
      drop(fd);
    } else if (errno != EAGAIN) die("bulk recv");
    return;
  case BULK_SOURCE: // writes until the kernel's buffer is full, then waits to be writable
    if (events & EPOLLIN) { // the reader's EOF: everything was read
      drop(fd);
      finished = 1;
      return;
    }
    while (conn->count < target) {
      size_t want = (size_t)(target - conn->count < CHUNK ? target - conn->count : CHUNK);
      n = send(fd, buffer, want, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN) return;
        die("bulk send");
      }
      conn->count += n;
    }
    shutdown(fd, SHUT_WR);
    rewatch(fd, EPOLLIN);
    return;
  case UDP_ECHO: {
    struct sockaddr_in peer;
    socklen_t length = sizeof peer;
    n = recvfrom(fd, buffer, sizeof buffer, 0, (struct sockaddr *)&peer, &length);
    if (n > 0) sendto(fd, buffer, (size_t)n, 0, (struct sockaddr *)&peer, length);
    return;
  }
  case UDP_PING:
    n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    if (++answered == target) {
      result = (double)target / (now() - started_at);
      finished = 1;
      drop(fd);
      return;
    }
    send(fd, message, SIZE, 0);
    return;
  case UDP_SINK:
    n = recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      conn->count++;
      answered++;
      last_at = now();
    }
    return;
  case CHURN_CLIENT:
    if (events & EPOLLOUT) { // connected (or failed: the send says which)
      if (send(fd, message, SIZE, MSG_NOSIGNAL) != SIZE) die("churn send");
      rewatch(fd, EPOLLIN);
      return;
    }
    n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) die("churn: EOF before the answer");
    conn->count += n;
    if (conn->count < SIZE) return;
    drop(fd);
    if (++answered == target) {
      result = (double)target / (now() - started_at);
      finished = 1;
    } else if (started_lanes < target) start_churn_lane();
    return;
  case CHURN_SERVER: // one 64 B answer, then close
    n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EAGAIN) return;
    if (n > 0 && (conn->count += n) < SIZE) return;
    if (n > 0) send_all(fd, message, SIZE);
    drop(fd);
    return;
  case HTTP_CONN: { // one fixed response per request head (to its blank line)
    n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      drop(fd);
      return;
    }
    int requests = 0;
    for (ssize_t i = 0; i < n; i++) {
      char expected = "\r\n\r\n"[conn->matched];
      if (buffer[i] == expected) {
        if (++conn->matched == 4) {
          requests++;
          conn->matched = 0;
        }
      } else conn->matched = buffer[i] == '\r' ? 1 : 0;
    }
    static char out[CHUNK * 2];
    size_t length = 0;
    for (int i = 0; i < requests; i++) {
      if (length + sizeof RESPONSE - 1 > sizeof out) {
        send_all(fd, out, length);
        length = 0;
      }
      memcpy(out + length, RESPONSE, sizeof RESPONSE - 1);
      length += sizeof RESPONSE - 1;
    }
    if (length) send_all(fd, out, length);
    return;
  }
  case CONTROL: // stdin of http-server: its EOF means stop
    if (read(fd, buffer, sizeof buffer) <= 0) finished = 1;
    return;
  case RESULT_PIPE: { // the child's figures: result, then (udp-burst) start time and datagrams sent
    double figures[3];
    if (read(fd, figures, sizeof figures) != sizeof figures) die("the child's result");
    result = figures[0];
    started_at = figures[1];
    target = (long long)figures[2];
    finished = 1;
    drop(fd);
    return;
  }
  }
}

// Runs the loop until `finished`; with quiet_ms, also until nothing happened for that long.
static void run_loop(int quiet_ms) {
  struct epoll_event events[64];
  while (!finished) {
    int n = epoll_wait(loop_fd, events, 64, -1);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) on_ready(events[i].data.fd, events[i].events);
  }
  if (quiet_ms <= 0) return;
  for (;;) {
    int n = epoll_wait(loop_fd, events, 64, quiet_ms);
    if (n == 0) return;
    for (int i = 0; i < n; i++) on_ready(events[i].data.fd, events[i].events);
  }
}

// The client side of a scenario, in this loop: begins it.
static void start_client(const char *scenario) {
  started_at = now();
  if (!strcmp(scenario, "tcp-pingpong")) {
    connector(TCP_PING, EPOLLOUT);
  } else if (!strcmp(scenario, "tcp-pingpong-many")) {
    for (int i = 0; i < MANY; i++) connector(TCP_PING, EPOLLOUT);
  } else if (!strcmp(scenario, "tcp-bulk")) {
    connector(BULK_SOURCE, EPOLLOUT);
  } else if (!strcmp(scenario, "udp-pingpong")) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (connect(fd, (struct sockaddr *)&server_address, sizeof server_address) < 0) die("connect");
    watch(fd, UDP_PING, EPOLLIN);
    send(fd, message, SIZE, 0);
  } else if (!strcmp(scenario, "churn")) {
    for (int i = 0; i < LANES && started_lanes < target; i++) start_churn_lane();
  }
}

// udp-burst's sender: a blocking socket, sendto(2) after sendto(2).
static void send_burst(double figures[3]) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int size = 4 * 1024 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  figures[1] = now();
  for (long long i = 0; i < target; i++) {
    if (sendto(fd, message, SIZE, 0, (struct sockaddr *)&server_address, sizeof server_address) != SIZE) die("sendto");
  }
  figures[2] = (double)target;
  close(fd);
}

// Sets up the server side of `scenario` in this loop.
static void start_server(const char *scenario) {
  if (!strcmp(scenario, "tcp-pingpong") || !strcmp(scenario, "tcp-pingpong-many")) listener(TCP_ECHO);
  else if (!strcmp(scenario, "tcp-bulk")) listener(BULK_SINK);
  else if (!strcmp(scenario, "churn")) listener(CHURN_SERVER);
  else if (!strcmp(scenario, "udp-pingpong")) watch(bound_socket(SOCK_DGRAM), UDP_ECHO, EPOLLIN);
  else if (!strcmp(scenario, "udp-burst")) {
    int fd = bound_socket(SOCK_DGRAM);
    int size = 4 * 1024 * 1024;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    watch(fd, UDP_SINK, EPOLLIN);
  } else {
    fprintf(stderr, "unknown scenario %s\n", scenario);
    exit(2);
  }
}

static int usage(void) {
  fprintf(stderr, "usage: loop tcp-pingpong|tcp-pingpong-many|tcp-bulk|udp-pingpong|udp-burst|churn COUNT same|child\n       loop http-server\n");
  return 2;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  memset(message, 'c', sizeof message);
  loop_fd = epoll_create1(EPOLL_CLOEXEC);
  if (loop_fd < 0) die("epoll_create1");
  if (argc == 2 && !strcmp(argv[1], "http-server")) {
    listener(HTTP_CONN);
    printf("{\"port\":%d}\n", ntohs(server_address.sin_port));
    fflush(stdout);
    watch(0, CONTROL, EPOLLIN);
    run_loop(0);
    return 0;
  }
  if (argc != 4) return usage();
  const char *scenario = argv[1];
  target = atoll(argv[2]);
  int child = !strcmp(argv[3], "child");
  if (target <= 0 || (!child && strcmp(argv[3], "same"))) return usage();
  int burst = !strcmp(scenario, "udp-burst");
  if (burst && !child) {
    fprintf(stderr, "udp-burst: the sender runs in a child (a sender in the reader's own loop measures the loop, not the burst)\n");
    return 2;
  }
  start_server(scenario);
  int measured_here = !strcmp(scenario, "tcp-bulk") || burst; // the reader measures
  if (!child) {
    start_client(scenario);
    run_loop(0);
  } else {
    int results[2];
    if (pipe2(results, O_CLOEXEC) < 0) die("pipe2");
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) { // the client, in a loop of its own
      close(results[0]);
      double figures[3] = { 0, 0, 0 };
      if (burst) send_burst(figures);
      else {
        close(loop_fd);
        loop_fd = epoll_create1(EPOLL_CLOEXEC);
        memset(conns, 0, sizeof conns);
        start_client(scenario);
        run_loop(0);
        figures[0] = result;
      }
      if (write(results[1], figures, sizeof figures) != sizeof figures) die("write result");
      _exit(0);
    }
    close(results[1]);
    if (measured_here && !burst) run_loop(0); // tcp-bulk: the sink here ends at EOF
    else {
      watch(results[0], RESULT_PIPE, EPOLLIN);
      run_loop(burst ? 50 : 0); // udp-burst: what is in flight lands within a quiet 50 ms
    }
    waitpid(pid, NULL, 0);
  }
  if (burst) {
    if (answered == 0) {
      fprintf(stderr, "udp-burst: nothing arrived\n");
      return 1;
    }
    printf("{\"rate\":%.1f,\"share\":%.2f}\n", (double)answered / (last_at - started_at), 100.0 * (double)answered / (double)target);
  } else printf("{\"value\":%.1f}\n", result);
  return 0;
}
