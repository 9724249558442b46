// A continuous read of a datagram socket in batches: one recvmmsg(2) takes
// up to kReadBatch datagrams (Linux; elsewhere they go one by one),
// each then handed to done() as a chunk of its own. Datagrams a batch took
// that its read can no longer deliver, because JS stopped it from inside
// done(), are held by the socket, with their sender, flags and control
// bytes, and the socket's next reads get them first, in order: a cancel
// never loses what the stack gave (sys.h, rule 5). A closed socket drops
// them, as the stack drops what is queued at close.
#include <string.h>
#include <sys/socket.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <new>
#include <unordered_map>
#include <vector>

#include "posix.h"

namespace sys {

namespace {

#if defined(__linux__)
// Room for each datagram's control bytes (IP_PKTINFO, a timestamp, ...): a
// held datagram keeps them for a recvMsg that asks.
constexpr size_t kControlRoom = 256;
#endif

struct HeldDatagram {
  std::vector<char> bytes;
  std::vector<char> control;
  sockaddr_storage peer{};
  socklen_t peer_length = 0;
  int flags = 0;  // msg_flags as recvmmsg set them
};

}  // namespace

struct DatagramReads {
#if defined(__linux__)
  mmsghdr messages[kReadBatch];
  iovec pieces[kReadBatch];
  sockaddr_storage peers[kReadBatch];
  char control[kReadBatch][kControlRoom];
#endif
  // kReadBatch slots of `slot` bytes: virtual memory mostly, as the
  // stack writes only the bytes of each datagram.
  std::unique_ptr<char[]> memory;
  size_t slot = 0;
  std::unordered_map<Socket*, std::deque<HeldDatagram>> held;
};

void datagram_reads_free(Loop* loop) {
  delete loop->datagram_reads;
  loop->datagram_reads = nullptr;
}

bool reads_datagrams_in_batches(const Socket* socket, const PosixOp* op) {
#if defined(__linux__)
  return op->repeat && op->kind == OpKind::Recv && socket->type == SOCK_DGRAM && !socket->holds_datagrams &&
         op->length <= kScratchSize && (op->flags & (MSG_PEEK | MSG_OOB | MSG_WAITALL)) == 0;
#else
  (void)socket;
  (void)op;
  return false;
#endif
}

namespace {

#if defined(__linux__)
DatagramReads* reads_of(Loop* loop) {
  if (loop->datagram_reads == nullptr) loop->datagram_reads = new (std::nothrow) DatagramReads;
  return loop->datagram_reads;
}

// Keeps datagrams [from, count) of the batch for the socket's next reads.
void hold(Socket* socket, DatagramReads* reads, unsigned from, unsigned count) {
  if (from >= count || socket->closed) return;
  try {
    std::deque<HeldDatagram>& held = reads->held[socket];
    for (unsigned i = from; i < count; i++) {
      const msghdr& header = reads->messages[i].msg_hdr;
      HeldDatagram datagram;
      const char* bytes = reads->memory.get() + i * reads->slot;
      datagram.bytes.assign(bytes, bytes + reads->messages[i].msg_len);
      const char* control = reads->control[i];
      datagram.control.assign(control, control + header.msg_controllen);
      memcpy(&datagram.peer, &reads->peers[i], sizeof(datagram.peer));
      datagram.peer_length = header.msg_namelen;
      datagram.flags = header.msg_flags & ~MSG_CMSG_CLOEXEC;
      held.push_back(std::move(datagram));
    }
  } catch (const std::bad_alloc&) {
    // Nothing to keep them in: they are lost as the stack loses datagrams
    // its buffer has no room for.
  }
  if (reads->held.count(socket) != 0 && !reads->held[socket].empty()) socket->holds_datagrams = true;
}
#endif

}  // namespace

BatchStep read_datagram_batch(Socket* socket, PosixOp* op, int16_t* left) {
#if defined(__linux__)
  DatagramReads* reads = reads_of(socket->loop);
  if (reads == nullptr) return BatchStep::NotBatched;
  if (reads->slot < op->length || !reads->memory) {
    reads->memory.reset(new (std::nothrow) char[kReadBatch * std::max<size_t>(op->length, 1)]);
    reads->slot = reads->memory ? std::max<size_t>(op->length, 1) : 0;
    if (!reads->memory) return BatchStep::NotBatched;
  }
  const unsigned want = static_cast<unsigned>(std::min<int>(*left, static_cast<int>(kReadBatch)));
  if (want == 0) return BatchStep::Delivered;
  for (unsigned i = 0; i < want; i++) {
    reads->pieces[i] = iovec{reads->memory.get() + i * reads->slot, op->length};
    msghdr& header = reads->messages[i].msg_hdr;
    header = msghdr{};
    header.msg_name = &reads->peers[i];
    header.msg_namelen = sizeof(reads->peers[i]);
    header.msg_iov = &reads->pieces[i];
    header.msg_iovlen = 1;
    header.msg_control = reads->control[i];
    header.msg_controllen = kControlRoom;
    reads->messages[i].msg_len = 0;
  }
  const int got = recvmmsg(socket->fd, reads->messages, want, op->flags | MSG_CMSG_CLOEXEC, nullptr);
  if (got < 0) {
    if (would_block(errno)) return BatchStep::Again;
    op->error = Error{errno, "recvmmsg"};
    return BatchStep::Ended;
  }
  const bool emptied = static_cast<unsigned>(got) < want;  // done() may read too
  socket->reads_wait = emptied;
  for (unsigned i = 0; i < static_cast<unsigned>(got); i++) {
    op->received = reads->memory.get() + i * reads->slot;
    op->transferred = reads->messages[i].msg_len;
    (*left)--;
    if (!deliver_chunk(socket, op)) {
      hold(socket, reads, i + 1, static_cast<unsigned>(got));
      return BatchStep::Ended;
    }
    if (socket->closed) return BatchStep::Ended;
  }
  return emptied ? BatchStep::Emptied : BatchStep::Delivered;
#else
  (void)socket;
  (void)op;
  (void)left;
  return BatchStep::NotBatched;
#endif
}

bool take_held_datagram(Socket* socket, PosixOp* op, char* buffer, size_t capacity) {
  DatagramReads* reads = socket->loop->datagram_reads;
  if (reads == nullptr) {
    socket->holds_datagrams = false;
    return false;
  }
  auto found = reads->held.find(socket);
  if (found == reads->held.end() || found->second.empty()) {
    socket->holds_datagrams = false;
    return false;
  }
  HeldDatagram& datagram = found->second.front();
  const size_t length = std::min(capacity, datagram.bytes.size());
  if (length > 0) memcpy(buffer, datagram.bytes.data(), length);
  op->received = buffer;
  op->transferred = length;
  const bool truncated = length < datagram.bytes.size();
  op->truncated = truncated || (datagram.flags & MSG_TRUNC) != 0;
  op->message_flags = datagram.flags | (truncated ? MSG_TRUNC : 0);
  if (op->address != nullptr) {
    const size_t peer_length = std::min<size_t>(datagram.peer_length, sizeof(op->address->storage));
    memcpy(op->address->storage, &datagram.peer, peer_length);
    op->address->length = static_cast<int>(peer_length);
  }
  if (op->kind == OpKind::RecvMsg) {
    const size_t room = op->control_owned ? op->control_length : 0;
    const size_t control = std::min(room, datagram.control.size());
    if (control > 0) memcpy(op->control_owned.get(), datagram.control.data(), control);
    op->received_control = op->control_owned.get();
    op->control_received = control;
    op->control_truncated = control < datagram.control.size() || (datagram.flags & MSG_CTRUNC) != 0;
  }
  if (op->flags & MSG_PEEK) return true;  // a peek leaves it first in line
  found->second.pop_front();
  if (found->second.empty()) {
    reads->held.erase(found);
    socket->holds_datagrams = false;
  }
  return true;
}

void drop_held_datagrams(Socket* socket) {
  if (!socket->holds_datagrams) return;
  socket->holds_datagrams = false;
  if (socket->loop->datagram_reads != nullptr) socket->loop->datagram_reads->held.erase(socket);
}

}  // namespace sys
