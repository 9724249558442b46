// The destination of a received datagram, from an IP_PKTINFO or
// IPV6_PKTINFO control message, for both backends: BSD's in_pktinfo /
// in6_pktinfo and Winsock's IN_PKTINFO / IN6_PKTINFO name their fields
// alike (ipi_addr, ipi_ifindex; ipi6_addr, ipi6_ifindex), as the two
// platforms' sockaddr_in / sockaddr_in6 do. Included by a backend after its
// own socket headers, which give the types.
#pragma once

#include <cstring>

#include "sys.h"

namespace sys {

template <typename Info>
void decode_packet_info4(const unsigned char* data, ReceivedControl* item) {
  Info info{};
  memcpy(&info, data, sizeof(info));
  sockaddr_in destination{};
  destination.sin_family = AF_INET;
  destination.sin_addr = info.ipi_addr;  // the datagram's own destination
  memcpy(item->destination.storage, &destination, sizeof(destination));
  item->destination.length = sizeof(destination);
  item->interface_index = static_cast<uint32_t>(info.ipi_ifindex);
  item->kind = ControlKind::PacketInfo;
}

template <typename Info>
void decode_packet_info6(const unsigned char* data, ReceivedControl* item) {
  Info info{};
  memcpy(&info, data, sizeof(info));
  sockaddr_in6 destination{};
  destination.sin6_family = AF_INET6;
  destination.sin6_addr = info.ipi6_addr;
  memcpy(item->destination.storage, &destination, sizeof(destination));
  item->destination.length = sizeof(destination);
  item->interface_index = static_cast<uint32_t>(info.ipi6_ifindex);
  item->kind = ControlKind::PacketInfo;
}

}  // namespace sys
