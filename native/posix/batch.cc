// Datagrams in batches: the sendTo() calls of one JS turn in one
// sendmmsg(2) (Linux; a loop of sendto(2) where there is none, as on macOS).
#include <netinet/in.h>
#include <sys/socket.h>

#include "posix.h"

namespace sys {

bool receives_errors(int level, int name) {
#ifdef IP_RECVERR
  if (level == IPPROTO_IP && name == IP_RECVERR) return true;
#endif
#ifdef IPV6_RECVERR
  if (level == IPPROTO_IPV6 && name == IPV6_RECVERR) return true;
#endif
  (void)level;
  (void)name;
  return false;
}

int socket_send_datagrams(Socket* socket, const Datagram* datagrams, size_t count) {
  if (socket->closed || !socket->batches_sends) return -1;
  // An operation waiting to send goes first: the caller queues behind it.
  if (!socket->writes.empty() || count == 0) return 0;
  if (count > kDatagramBatch) count = kDatagramBatch;
  int sent = 0;
#if defined(__linux__)
  mmsghdr messages[kDatagramBatch];
  iovec pieces[kDatagramBatch];
  for (size_t i = 0; i < count; i++) {
    pieces[i].iov_base = const_cast<char*>(datagrams[i].data);
    pieces[i].iov_len = datagrams[i].length;
    msghdr& header = messages[i].msg_hdr;
    header = msghdr{};
    header.msg_name = const_cast<unsigned char*>(datagrams[i].address->storage);
    header.msg_namelen = static_cast<socklen_t>(datagrams[i].address->length);
    header.msg_iov = &pieces[i];
    header.msg_iovlen = 1;
    messages[i].msg_len = 0;
  }
  // Where the first one fails or would block, -1: none went, and the
  // caller's op_submit of it reports its errno (or waits for room). A
  // failure further on ends the batch there: its errno is lost, so that
  // datagram is sent again on its own, which reports it.
  sent = sendmmsg(socket->fd, messages, static_cast<unsigned>(count), MSG_NOSIGNAL);
  if (sent < 0) sent = 0;
#else
  for (; static_cast<size_t>(sent) < count; sent++) {
    const Datagram& datagram = datagrams[sent];
    if (sendto(socket->fd, datagram.data, datagram.length, 0,
               reinterpret_cast<const sockaddr*>(datagram.address->storage),
               static_cast<socklen_t>(datagram.address->length)) < 0) {
      break;
    }
  }
#endif
  if (sent > 0) socket->last_activity = uv_hrtime();
  return sent;
}

}  // namespace sys
