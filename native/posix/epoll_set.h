// The epoll engine's interest set (Linux): one epoll instance of the
// addon's per loop, watched by a single uv_poll_t on Node's loop, instead
// of a uv_poll_t per socket.
//
// libuv's uv_poll_t costs a socket system calls it does not need:
// uv_poll_init checks the fd with EPOLL_CTL_ADD and DEL and sets FIONBIO
// again, and each uv_poll_start takes the fd out of epoll (DEL) before the
// loop adds it back (ADD), so every change of interest is two calls, and a
// DEL of an fd never added fails. Here a socket is added once, its
// interest changed with one EPOLL_CTL_MOD and removed with one DEL: a
// short connection made 27.7 system calls and makes 19.1 (`strace -f -c`
// of 5,000 with both ends in one process), and no uv_poll_t is allocated
// per socket. The price is one epoll_wait of our own in each turn where
// some socket is ready.
//
// Events are levels, as with uv_poll_t, and mean the same (EPOLLHUP and
// EPOLLERR as libuv reports them: see on_set_ready).
#pragma once

namespace sys {

struct Loop;
struct Socket;

// Makes the set for this loop; false when there is none (not Linux, or
// epoll_create1 failed): the loop then uses a uv_poll_t per socket.
bool epoll_set_open(Loop* loop);
// Hands the set's poll handle to uv_close (counted in Loop::closing_polls)
// and closes the epoll fd, after every socket was closed.
void epoll_set_close(Loop* loop);
// Polls the socket for `wanted` (UV_READABLE, UV_WRITABLE, UV_PRIORITIZED;
// 0 removes it from the set): 0, or a negated errno as libuv gives.
int epoll_set_watch(Socket* socket, int wanted);
// While some socket has a read or a write waiting, the set's handle keeps
// the process alive (as each socket's own active handle did).
void epoll_set_keep_alive(Socket* socket, bool waiting);

}  // namespace sys
