#include "epoll_set.h"

#if defined(__linux__)

#include <sys/epoll.h>
#include <unistd.h>

#include "posix.h"

namespace sys {

namespace {

// Events one epoll_wait takes; the rest wait for the next turn's.
constexpr int kSetBatch = 256;

uint32_t epoll_events(int wanted) {
  uint32_t events = 0;
  if (wanted & UV_READABLE) events |= EPOLLIN;
  if (wanted & UV_WRITABLE) events |= EPOLLOUT;
  if (wanted & UV_PRIORITIZED) events |= EPOLLPRI;
  return events;
}

// One turn's ready sockets. Each is held (Socket::dispatching) while the
// batch runs: a dispatch may run JS (onData) that closes another socket
// of the same batch, whose event must then find it closed, not freed.
void on_set_ready(uv_poll_t* handle, int, int) {
  Loop* loop = static_cast<Loop*>(handle->data);
  epoll_event ready[kSetBatch];
  int count = 0;
  do {
    count = epoll_wait(loop->epoll_fd, ready, kSetBatch, 0);
  } while (count < 0 && errno == EINTR);
  for (int i = 0; i < count; i++) static_cast<Socket*>(ready[i].data.ptr)->dispatching++;
  for (int i = 0; i < count; i++) {
    auto* socket = static_cast<Socket*>(ready[i].data.ptr);
    const uint32_t got = ready[i].events;
    if (socket->closed || socket->polled_events == 0) continue;  // left the set after this wait
    int events = 0;
    if (got & EPOLLIN) events |= UV_READABLE;
    if (got & EPOLLOUT) events |= UV_WRITABLE;
    if (got & EPOLLPRI) events |= UV_PRIORITIZED;
    // As libuv: a hang-up or an error stands for every event polled, so
    // that each waiting system call reports its own outcome; an error
    // also stops the polling until the queues ask again (on_poll).
    if (got & (EPOLLERR | EPOLLHUP)) events |= socket->polled_events;
    const bool error_event = (got & EPOLLERR) != 0;
    if (error_event) {
      epoll_set_watch(socket, 0);
      events = UV_READABLE | UV_WRITABLE;
    }
    socket_dispatch(socket, events, error_event);
  }
  for (int i = 0; i < count; i++) {
    auto* socket = static_cast<Socket*>(ready[i].data.ptr);
    socket->dispatching--;
    socket_release(socket);
  }
}

}  // namespace

bool epoll_set_open(Loop* loop) {
  loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (loop->epoll_fd < 0) return false;
  if (uv_poll_init(loop->uv, &loop->set_poll, loop->epoll_fd) != 0) {
    ::close(loop->epoll_fd);
    loop->epoll_fd = -1;
    return false;
  }
  loop->set_poll.data = loop;
  uv_poll_start(&loop->set_poll, UV_READABLE, on_set_ready);
  uv_unref(reinterpret_cast<uv_handle_t*>(&loop->set_poll));
  return true;
}

void epoll_set_close(Loop* loop) {
  if (loop->epoll_fd < 0) return;
  uv_poll_stop(&loop->set_poll);
  loop->closing_polls++;
  uv_close(reinterpret_cast<uv_handle_t*>(&loop->set_poll), [](uv_handle_t* handle) {
    Loop* loop = static_cast<Loop*>(handle->data);
    ::close(loop->epoll_fd);
    loop->epoll_fd = -1;
    loop_poll_closed(loop);
  });
}

int epoll_set_watch(Socket* socket, int wanted) {
  const int fd = socket->loop->epoll_fd;
  if (wanted == 0) {
    if (socket->polled_events != 0) epoll_ctl(fd, EPOLL_CTL_DEL, socket->fd, nullptr);
    socket->polled_events = 0;
    return 0;
  }
  epoll_event interest{};
  interest.events = epoll_events(wanted);
  interest.data.ptr = socket;
  const int operation = socket->polled_events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  if (epoll_ctl(fd, operation, socket->fd, &interest) != 0) return -errno;
  socket->polled_events = wanted;
  return 0;
}

void epoll_set_keep_alive(Socket* socket, bool waiting) {
  if (socket->keeps_alive == waiting) return;
  Loop* loop = socket->loop;
  socket->keeps_alive = waiting;
  uv_handle_t* handle = reinterpret_cast<uv_handle_t*>(&loop->set_poll);
  if (waiting && loop->set_waiting++ == 0) uv_ref(handle);
  if (!waiting && --loop->set_waiting == 0) uv_unref(handle);
}

}  // namespace sys

#else  // not Linux: a uv_poll_t per socket (kqueue through libuv)

namespace sys {

bool epoll_set_open(Loop*) { return false; }
void epoll_set_close(Loop*) {}
int epoll_set_watch(Socket*, int) { return 0; }
void epoll_set_keep_alive(Socket*, bool) {}

}  // namespace sys

#endif
