// sendmsg(2) / recvmsg(2) with ancillary data, and socketpair(2): the
// message calls of the POSIX backend. ops.cc queues these operations like
// any other; the calls themselves and the CMSG_* layout live here.
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <new>

#include "posix.h"
// After the platform headers, which declare the types it uses.
#include "../packet_info.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0  // macOS: SO_NOSIGPIPE is set on every socket instead
#endif
#ifndef MSG_CMSG_CLOEXEC
#define MSG_CMSG_CLOEXEC 0  // macOS: received descriptors get FD_CLOEXEC on adopt
#endif

namespace sys {

namespace {

// The control buffer of a receive: aligned for cmsghdr, sized as asked.
bool control_room(PosixOp* op) {
  if (op->control_length == 0) return true;
  op->control_owned.reset(new (std::nothrow) char[op->control_length]);
  return op->control_owned != nullptr;
}

int int_of(const unsigned char* data, size_t length) {
  if (length >= sizeof(int)) {
    int value = 0;
    memcpy(&value, data, sizeof(value));
    return value;
  }
  return length >= 1 ? data[0] : 0;  // IP_TOS and macOS's IP_RECVTTL are one byte
}

}  // namespace

Error control_encode(const std::vector<ControlItem>& items, std::vector<char>* out) {
  size_t space = 0;
  for (const ControlItem& item : items) space += CMSG_SPACE(item.data.size());
  out->assign(space, 0);
  if (space == 0) return ok();
  // CMSG_FIRSTHDR/CMSG_NXTHDR walk a msghdr: one over our buffer.
  msghdr message{};
  message.msg_control = out->data();
  message.msg_controllen = static_cast<decltype(message.msg_controllen)>(space);
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  for (const ControlItem& item : items) {
    if (header == nullptr) return Error{EINVAL, "sendmsg"};
    header->cmsg_level = item.level;
    header->cmsg_type = item.type;
    header->cmsg_len = static_cast<decltype(header->cmsg_len)>(CMSG_LEN(item.data.size()));
    if (!item.data.empty()) memcpy(CMSG_DATA(header), item.data.data(), item.data.size());
    header = CMSG_NXTHDR(&message, header);
  }
  return ok();
}

void control_decode(const char* bytes, size_t length, std::vector<ReceivedControl>* out) {
  msghdr message{};
  message.msg_control = const_cast<char*>(bytes);
  message.msg_controllen = static_cast<decltype(message.msg_controllen)>(length);
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
       header = CMSG_NXTHDR(&message, header)) {
    ReceivedControl item;
    item.level = header->cmsg_level;
    item.type = header->cmsg_type;
    const auto* data = reinterpret_cast<const unsigned char*>(CMSG_DATA(header));
    const size_t size = header->cmsg_len - (reinterpret_cast<const char*>(data) -
                                            reinterpret_cast<const char*>(header));
    item.data.assign(data, data + size);
    if (item.level == SOL_SOCKET && item.type == SCM_RIGHTS) {
      item.kind = ControlKind::Rights;
      for (size_t at = 0; at + sizeof(int) <= size; at += sizeof(int)) {
        item.transfers.emplace_back(data + at, data + at + sizeof(int));
      }
#ifdef SCM_TIMESTAMPNS
    } else if (item.level == SOL_SOCKET && item.type == SCM_TIMESTAMPNS && size >= sizeof(timespec)) {
      timespec stamp{};
      memcpy(&stamp, data, sizeof(stamp));
      item.kind = ControlKind::Timestamp;
      item.seconds = stamp.tv_sec;
      item.nanoseconds = stamp.tv_nsec;
#endif
#ifdef IP_PKTINFO
    } else if (item.level == IPPROTO_IP && item.type == IP_PKTINFO && size >= sizeof(in_pktinfo)) {
      decode_packet_info4<in_pktinfo>(data, &item);
#endif
#ifdef IPV6_PKTINFO
    } else if (item.level == IPPROTO_IPV6 && item.type == IPV6_PKTINFO && size >= sizeof(in6_pktinfo)) {
      decode_packet_info6<in6_pktinfo>(data, &item);
#endif
    } else if (item.level == IPPROTO_IP && (item.type == IP_TOS
#ifdef IP_RECVTOS
                                            || item.type == IP_RECVTOS
#endif
                                            )) {
      item.kind = ControlKind::TypeOfService;
      item.value = int_of(data, size);
    } else if (item.level == IPPROTO_IP && (item.type == IP_TTL
#ifdef IP_RECVTTL
                                            || item.type == IP_RECVTTL
#endif
                                            )) {
      item.kind = ControlKind::HopLimit;
      item.value = int_of(data, size);
#ifdef IPV6_TCLASS
    } else if (item.level == IPPROTO_IPV6 && item.type == IPV6_TCLASS) {
      item.kind = ControlKind::TypeOfService;
      item.value = int_of(data, size);
#endif
#ifdef IPV6_HOPLIMIT
    } else if (item.level == IPPROTO_IPV6 && item.type == IPV6_HOPLIMIT) {
      item.kind = ControlKind::HopLimit;
      item.value = int_of(data, size);
#endif
    }
    try {
      out->push_back(std::move(item));
    } catch (const std::bad_alloc&) {
      for (const auto& transfer : item.transfers) transfer_close(transfer);
    }
  }
}

Error control_packet_info(const Address& source, uint32_t interface_index, ControlItem* out) {
  const auto* any = reinterpret_cast<const sockaddr*>(source.storage);
#ifdef IP_PKTINFO
  if (any->sa_family == AF_INET) {
    in_pktinfo info{};
    info.ipi_ifindex = static_cast<decltype(info.ipi_ifindex)>(interface_index);
    // ipi_spec_dst is the source address a send uses (ip(7)).
    info.ipi_spec_dst = reinterpret_cast<const sockaddr_in*>(source.storage)->sin_addr;
    out->level = IPPROTO_IP;
    out->type = IP_PKTINFO;
    const auto* bytes = reinterpret_cast<const uint8_t*>(&info);
    out->data.assign(bytes, bytes + sizeof(info));
    return ok();
  }
#endif
#ifdef IPV6_PKTINFO
  if (any->sa_family == AF_INET6) {
    in6_pktinfo info{};
    info.ipi6_addr = reinterpret_cast<const sockaddr_in6*>(source.storage)->sin6_addr;
    info.ipi6_ifindex = interface_index;
    out->level = IPPROTO_IPV6;
    out->type = IPV6_PKTINFO;
    const auto* bytes = reinterpret_cast<const uint8_t*>(&info);
    out->data.assign(bytes, bytes + sizeof(info));
    return ok();
  }
#endif
  (void)interface_index;
  (void)out;
  return Error{EAFNOSUPPORT, "sendmsg"};
}

void transfer_close(const std::vector<uint8_t>& transfer) {
  int fd = -1;
  if (transfer.size() != sizeof(fd)) return;
  memcpy(&fd, transfer.data(), sizeof(fd));
  if (fd >= 0) ::close(fd);
}

// sendmsg(2): one call; a stream socket goes on with the bytes that did not
// fit, the control data having gone with the first (descriptors are sent
// once).
bool message_send(Socket* socket, PosixOp* op) {
  const bool stream = socket->type == SOCK_STREAM;
  do {
    iovec vector{const_cast<char*>(op->data) + op->offset, op->length - op->offset};
    msghdr message{};
    if (op->address->length > 0) {
      message.msg_name = op->address->storage;
      message.msg_namelen = static_cast<socklen_t>(op->address->length);
    }
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    if (op->control_length > 0) {
      message.msg_control = const_cast<char*>(op->control);
      message.msg_controllen = static_cast<decltype(message.msg_controllen)>(op->control_length);
    }
    ssize_t sent = sendmsg(socket->fd, &message, op->flags | MSG_NOSIGNAL);
    if (sent < 0) {
      if (would_block(errno)) return false;
      op->error = Error{errno, "sendmsg"};
      return true;
    }
    op->offset += static_cast<size_t>(sent);
    op->control_length = 0;
  } while (stream && op->offset < op->length);
  op->transferred = op->carried + op->offset;
  return true;
}

// A sendmsg that has to wait keeps its own copy of the control bytes, as
// of the data (own_send_bytes in ops.cc): JS memory may go meanwhile.
bool own_control_bytes(PosixOp* op) {
  if (op->control_length == 0 || op->control == op->control_owned.get()) return true;
  op->control_owned.reset(new (std::nothrow) char[op->control_length]);
  if (!op->control_owned) return false;
  memcpy(op->control_owned.get(), op->control, op->control_length);
  op->control = op->control_owned.get();
  return true;
}

// recvmsg(2) into `buffer`, with room for `op->control_length` control bytes.
bool message_receive(Socket* socket, PosixOp* op, char* buffer, size_t capacity) {
  if (!op->control_owned && !control_room(op)) {
    op->error = Error{ENOMEM, "recvmsg"};
    return true;
  }
  if (socket->holds_datagrams && take_held_datagram(socket, op, buffer, capacity)) return true;
  iovec vector{buffer, capacity};
  msghdr message{};
  message.msg_name = op->address->storage;
  message.msg_namelen = sizeof(op->address->storage);
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  if (op->control_length > 0) {
    message.msg_control = op->control_owned.get();
    message.msg_controllen = static_cast<decltype(message.msg_controllen)>(op->control_length);
  }
  ssize_t got = recvmsg(socket->fd, &message, op->flags | MSG_CMSG_CLOEXEC);
  if (got < 0) {
    if (would_block(errno) && !(op->flags & MSG_OOB)) return false;
    op->error = Error{errno, "recvmsg"};
    return true;
  }
  op->address->length = static_cast<int>(message.msg_namelen);
  op->transferred = static_cast<size_t>(got);
  op->received = buffer;
  op->message_flags = message.msg_flags & ~MSG_CMSG_CLOEXEC;  // Linux echoes the request flag
  op->truncated = (message.msg_flags & MSG_TRUNC) != 0;
  op->control_truncated = (message.msg_flags & MSG_CTRUNC) != 0;
  op->received_control = op->control_owned.get();
  op->control_received = op->control_length > 0 ? static_cast<size_t>(message.msg_controllen) : 0;
  return true;
}

Error socket_pair(Loop* loop, int family, int type, int protocol, Socket** first, Socket** second) {
  int fds[2] = {-1, -1};
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  if (socketpair(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol, fds) != 0) {
    return Error{errno, "socketpair"};
  }
#else
  if (socketpair(family, type, protocol, fds) != 0) return Error{errno, "socketpair"};
  for (int fd : fds) {
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
      const int code = errno;
      ::close(fds[0]);
      ::close(fds[1]);
      return Error{code, "fcntl"};
    }
  }
#endif
  *first = socket_from_fd(loop, fds[0], family, type);
  *second = *first == nullptr ? nullptr : socket_from_fd(loop, fds[1], family, type);
  if (*second == nullptr) {
    if (*first != nullptr) socket_close(*first);
    else ::close(fds[0]);
    ::close(fds[1]);
    *first = nullptr;
    return Error{ENOMEM, "socketpair"};
  }
  return ok();
}

// Sharing by process id is Winsock's; here a descriptor goes over a Unix
// socket (SCM_RIGHTS) instead.
Error socket_share(Socket*, uint32_t, std::vector<uint8_t>*) { return Error{ENOTSUP, "share"}; }

}  // namespace sys

namespace sys {

Socket* socket_from_share(Loop*, const std::vector<uint8_t>&, Error* error) {
  *error = Error{ENOTSUP, "fromShare"};
  return nullptr;
}

Socket* socket_from_descriptor(Loop* loop, int64_t descriptor, Error* error) {
  if (descriptor < 0 || descriptor > INT32_MAX) {
    *error = Error{EBADF, "fromDescriptor"};
    return nullptr;
  }
  const int fd = static_cast<int>(descriptor);
  // Only a socket is taken over: anything else (a file, a closed number)
  // is refused and left as it is, where socket_adopt would close it.
  int type = 0;
  socklen_t length = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0) {
    *error = Error{errno, "getsockopt"};
    return nullptr;
  }
  std::vector<uint8_t> transfer(sizeof(fd));
  memcpy(transfer.data(), &fd, sizeof(fd));
  return socket_adopt(loop, transfer, error);
}

}  // namespace sys
