// Control messages of WSASendMsg / WSARecvMsg (WSA_CMSG_* layout), the
// loopback socket pair, and sharing a socket with another process
// (WSADuplicateSocketW): the message calls of the Windows backend. op_send.cc
// and op_read.cc run the overlapped WSASendMsg / WSARecvMsg themselves.
#include <cstring>
#include <new>

#include "win.h"
// After the platform headers, which declare the types it uses.
#include "../packet_info.h"

namespace sys {

namespace {

int int_of(const unsigned char* data, size_t length) {
  if (length >= sizeof(int)) {
    int value = 0;
    memcpy(&value, data, sizeof(value));
    return value;
  }
  return length >= 1 ? data[0] : 0;
}

}  // namespace

Error control_encode(const std::vector<ControlItem>& items, std::vector<char>* out) {
  size_t space = 0;
  for (const ControlItem& item : items) space += WSA_CMSG_SPACE(item.data.size());
  out->assign(space, 0);
  size_t at = 0;
  for (const ControlItem& item : items) {
    auto* header = reinterpret_cast<WSACMSGHDR*>(out->data() + at);
    header->cmsg_level = item.level;
    header->cmsg_type = item.type;
    header->cmsg_len = WSA_CMSG_LEN(item.data.size());
    if (!item.data.empty()) memcpy(WSA_CMSG_DATA(header), item.data.data(), item.data.size());
    at += WSA_CMSG_SPACE(item.data.size());
  }
  return ok();
}

void control_decode(const char* bytes, size_t length, std::vector<ReceivedControl>* out) {
  WSAMSG message{};
  message.Control.buf = const_cast<char*>(bytes);
  message.Control.len = static_cast<ULONG>(length);
  for (WSACMSGHDR* header = WSA_CMSG_FIRSTHDR(&message); header != nullptr;
       header = WSA_CMSG_NXTHDR(&message, header)) {
    ReceivedControl item;
    item.level = header->cmsg_level;
    item.type = header->cmsg_type;
    const unsigned char* data = WSA_CMSG_DATA(header);
    const size_t offset = static_cast<size_t>(data - reinterpret_cast<const unsigned char*>(header));
    const size_t size = header->cmsg_len > offset ? header->cmsg_len - offset : 0;
    item.data.assign(data, data + size);
    if (item.level == IPPROTO_IP && item.type == IP_PKTINFO && size >= sizeof(IN_PKTINFO)) {
      decode_packet_info4<IN_PKTINFO>(data, &item);
    } else if (item.level == IPPROTO_IPV6 && item.type == IPV6_PKTINFO && size >= sizeof(IN6_PKTINFO)) {
      decode_packet_info6<IN6_PKTINFO>(data, &item);
    } else if ((item.level == IPPROTO_IP && item.type == IP_TOS) ||
               (item.level == IPPROTO_IPV6 && item.type == IPV6_TCLASS)) {
      item.kind = ControlKind::TypeOfService;
      item.value = int_of(data, size);
    } else if ((item.level == IPPROTO_IP && (item.type == IP_TTL || item.type == IP_HOPLIMIT)) ||
               (item.level == IPPROTO_IPV6 && item.type == IPV6_HOPLIMIT)) {
      // Windows reports the received TTL as IP_HOPLIMIT (ws2ipdef.h: IP_RECVTTL
      // and IP_HOPLIMIT are both 21).
      item.kind = ControlKind::HopLimit;
      item.value = int_of(data, size);
    }
    try {
      out->push_back(std::move(item));
    } catch (const std::bad_alloc&) {
      return;
    }
  }
}

// Winsock's IN_PKTINFO / IN6_PKTINFO: the address first, then the
// interface. On a send, ipi_addr is the source address.
// https://learn.microsoft.com/windows/win32/api/ws2ipdef/ns-ws2ipdef-in_pktinfo
Error control_packet_info(const Address& source, uint32_t interface_index, ControlItem* out) {
  const auto* any = reinterpret_cast<const sockaddr*>(source.storage);
  if (any->sa_family == AF_INET) {
    IN_PKTINFO info{};
    info.ipi_addr = reinterpret_cast<const sockaddr_in*>(source.storage)->sin_addr;
    info.ipi_ifindex = interface_index;
    out->level = IPPROTO_IP;
    out->type = IP_PKTINFO;
    const auto* bytes = reinterpret_cast<const uint8_t*>(&info);
    out->data.assign(bytes, bytes + sizeof(info));
    return ok();
  }
  if (any->sa_family == AF_INET6) {
    IN6_PKTINFO info{};
    info.ipi6_addr = reinterpret_cast<const sockaddr_in6*>(source.storage)->sin6_addr;
    info.ipi6_ifindex = interface_index;
    out->level = IPPROTO_IPV6;
    out->type = IPV6_PKTINFO;
    const auto* bytes = reinterpret_cast<const uint8_t*>(&info);
    out->data.assign(bytes, bytes + sizeof(info));
    return ok();
  }
  return Error{WSAEAFNOSUPPORT, "WSASendMsg"};
}

// No descriptors travel in Winsock control messages (no SCM_RIGHTS).
void transfer_close(const std::vector<uint8_t>&) {}

// As Python's socket.socketpair on Windows: a listener on the loopback
// address, a connect to it, an accept, then the listener is closed; the
// accepted peer must be the connecting socket (another local process could
// have connected first).
Error socket_pair(Loop* loop, int family, int type, int protocol, Socket** first, Socket** second) {
  *first = *second = nullptr;
  if (family != AF_INET && family != AF_INET6) return Error{WSAEAFNOSUPPORT, "socketpair"};
  if (type != SOCK_STREAM) return Error{WSAEOPNOTSUPP, "socketpair"};
  auto make = [&]() {
    return WSASocketW(family, type, protocol, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  };
  SOCKET listener = make();
  if (listener == INVALID_SOCKET) return Error{WSAGetLastError(), "WSASocketW"};
  SOCKET client = INVALID_SOCKET;
  SOCKET server = INVALID_SOCKET;
  auto failed = [&](const char* syscall) {
    const int code = WSAGetLastError();
    if (client != INVALID_SOCKET) closesocket(client);
    if (server != INVALID_SOCKET) closesocket(server);
    closesocket(listener);
    return Error{code, syscall};
  };
  sockaddr_storage address{};
  int length = 0;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&address);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    length = sizeof(*in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr.s6_addr[15] = 1;  // ::1 (in6addr_loopback is a data import MSVC and mingw link differently)
    length = sizeof(*in6);
  }
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0) return failed("bind");
  if (::listen(listener, 1) != 0) return failed("listen");
  length = sizeof(address);
  if (getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) return failed("getsockname");
  client = make();
  if (client == INVALID_SOCKET) return failed("WSASocketW");
  // Blocking calls on overlapped sockets: a loopback connect and accept
  // complete at once.
  if (::connect(client, reinterpret_cast<sockaddr*>(&address), length) != 0) return failed("connect");
  sockaddr_storage peer{};
  int peer_length = sizeof(peer);
  server = ::accept(listener, reinterpret_cast<sockaddr*>(&peer), &peer_length);
  if (server == INVALID_SOCKET) return failed("accept");
  sockaddr_storage mine{};
  int mine_length = sizeof(mine);
  if (getsockname(client, reinterpret_cast<sockaddr*>(&mine), &mine_length) != 0) return failed("getsockname");
  if (peer_length != mine_length || memcmp(&peer, &mine, static_cast<size_t>(mine_length)) != 0) {
    WSASetLastError(WSAECONNABORTED);  // someone else's connection
    return failed("socketpair");
  }
  closesocket(listener);
  Error error;
  *first = socket_wrap(loop, client, family, type, protocol, &error);
  if (*first == nullptr) {
    closesocket(server);
    return error;
  }
  (*first)->bound = true;
  *second = socket_wrap(loop, server, family, type, protocol, &error);
  if (*second == nullptr) {
    socket_close(*first);
    *first = nullptr;
    return error;
  }
  (*second)->bound = true;
  return ok();
}

// As Python's socket.share: a WSAPROTOCOL_INFOW for that process, which
// makes the socket its own with WSASocketW(FROM_PROTOCOL_INFO). This
// socket stays open; the stack keeps the connection while either is.
// https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsaduplicatesocketw
Error socket_share(Socket* socket, uint32_t process_id, std::vector<uint8_t>* out) {
  WSAPROTOCOL_INFOW info{};
  if (WSADuplicateSocketW(socket->handle, process_id, &info) != 0) {
    return Error{WSAGetLastError(), "WSADuplicateSocketW"};
  }
  out->resize(sizeof(info));
  memcpy(out->data(), &info, sizeof(info));
  return ok();
}

// The duplicate is for this process once: socket_adopt is the same call.
Socket* socket_from_share(Loop* loop, const std::vector<uint8_t>& shared, Error* error) {
  return socket_adopt(loop, shared, error);
}

Socket* socket_from_descriptor(Loop*, int64_t, Error* error) {
  *error = Error{WSAEOPNOTSUPP, "fromDescriptor"};
  return nullptr;
}

}  // namespace sys
