// sockaddr <-> text for the Windows backend: inet_pton / inet_ntop
// (ws2tcpip.h), and sockaddr_un (afunix.h, Windows 10 1803+).
#include <cstddef>
#include <cstring>

#include "win.h"

namespace sys {

Error address_from_ip(AddressKind kind, const std::string& ip, int port,
                      uint32_t flowinfo, uint32_t scope_id, Address* out) {
  memset(out->storage, 0, sizeof(out->storage));
  out->length = 0;
  in_addr v4{};
  const bool is_v4 = inet_pton(AF_INET, ip.c_str(), &v4) == 1;
  if (is_v4 && kind != AddressKind::Inet6) {
    auto* address = reinterpret_cast<sockaddr_in*>(out->storage);
    address->sin_family = AF_INET;
    address->sin_port = htons(static_cast<u_short>(port));
    address->sin_addr = v4;
    out->length = sizeof(sockaddr_in);
    return ok();
  }
  auto* address = reinterpret_cast<sockaddr_in6*>(out->storage);
  address->sin6_family = AF_INET6;
  address->sin6_port = htons(static_cast<u_short>(port));
  address->sin6_flowinfo = htonl(flowinfo);
  address->sin6_scope_id = scope_id;
  if (is_v4) {
    // An IPv4 literal for an IPv6 socket: the v4-mapped form ::ffff:a.b.c.d.
    address->sin6_addr.s6_addr[10] = 0xff;
    address->sin6_addr.s6_addr[11] = 0xff;
    memcpy(&address->sin6_addr.s6_addr[12], &v4, 4);
  } else if (kind == AddressKind::Inet ||
             inet_pton(AF_INET6, ip.c_str(), &address->sin6_addr) != 1) {
    memset(out->storage, 0, sizeof(out->storage));
    return Error{WSAEINVAL, "inet_pton"};
  }
  out->length = sizeof(sockaddr_in6);
  return ok();
}

Error address_from_path(const std::string& path, Address* out) {
  static_assert(sizeof(sockaddr_un) <= sizeof(Address::storage), "Address holds sockaddr_un");
  memset(out->storage, 0, sizeof(out->storage));
  out->length = 0;
  auto* address = reinterpret_cast<sockaddr_un*>(out->storage);
  if (path.size() >= sizeof(address->sun_path)) return Error{WSAENAMETOOLONG, "bind"};
  address->sun_family = AF_UNIX;
  memcpy(address->sun_path, path.data(), path.size());
  out->length = static_cast<int>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return ok();
}

AddressParts address_parts(const Address& address) {
  AddressParts parts;
  if (address.length < static_cast<int>(sizeof(ADDRESS_FAMILY))) return parts;
  const auto* generic = reinterpret_cast<const sockaddr*>(address.storage);
  char text[INET6_ADDRSTRLEN] = {0};
  switch (generic->sa_family) {
    case AF_INET: {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(address.storage);
      inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
      parts.kind = AddressKind::Inet;
      parts.ip = text;
      parts.port = ntohs(v4->sin_port);
      break;
    }
    case AF_INET6: {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address.storage);
      inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
      parts.kind = AddressKind::Inet6;
      parts.ip = text;
      parts.port = ntohs(v6->sin6_port);
      parts.flowinfo = ntohl(v6->sin6_flowinfo);
      parts.scope_id = v6->sin6_scope_id;
      break;
    }
    case AF_UNIX: {
      const auto* un = reinterpret_cast<const sockaddr_un*>(address.storage);
      const size_t offset = offsetof(sockaddr_un, sun_path);
      size_t room = address.length > static_cast<int>(offset)
                        ? static_cast<size_t>(address.length) - offset : 0;
      if (room > sizeof(un->sun_path)) room = sizeof(un->sun_path);
      parts.kind = AddressKind::Unix;
      parts.path.assign(un->sun_path, strnlen(un->sun_path, room));
      break;
    }
    default:
      parts.kind = AddressKind::Other;
  }
  return parts;
}

Address address_any(int family) {
  Address address;
  address_from_ip(family == AF_INET6 ? AddressKind::Inet6 : AddressKind::Inet,
                  family == AF_INET6 ? "::" : "0.0.0.0", 0, 0, 0, &address);
  return address;
}

}  // namespace sys
