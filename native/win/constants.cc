// The platform numbers exported to JS as `constants`, for the raw calls:
// the same names as native/posix/constants.cc where Windows has them (so
// lib/ reads one set of keys), plus Winsock's own (SO_EXCLUSIVEADDRUSE,
// SD_*).
//
// Every name is listed without an #ifdef: in the Windows SDK, IPPROTO_TCP,
// IPPROTO_UDP, IPPROTO_IPV6, IPPROTO_ICMP, IPPROTO_ICMPV6 and IPPROTO_RAW
// are values of the IPPROTO enum in ws2def.h, not macros, so `#ifdef
// IPPROTO_TCP` is false under MSVC (while mingw-w64 spells them as macros)
// and a guarded table would silently lose them, and with them the level of
// TCP_NODELAY. A name one of the header sets lacks is given its documented
// value in system_headers.h instead; a name missing everywhere fails the
// build rather than the option.
#include "win.h"

// POSIX spells shutdown's "how" SHUT_*; Winsock's SD_* have the same values.
#ifndef SHUT_RD
#define SHUT_RD SD_RECEIVE
#endif
#ifndef SHUT_WR
#define SHUT_WR SD_SEND
#endif
#ifndef SHUT_RDWR
#define SHUT_RDWR SD_BOTH
#endif

// The name as written (# does not expand its operand), and its value
// (macro or enumerator alike).
#define CONSTANT(name) {#name, static_cast<int64_t>(name)}

namespace sys {

const std::vector<Constant>& constants() {
  static const std::vector<Constant> table = {
      CONSTANT(AF_UNSPEC), CONSTANT(AF_INET), CONSTANT(AF_INET6), CONSTANT(AF_UNIX),
      CONSTANT(SOCK_STREAM), CONSTANT(SOCK_DGRAM), CONSTANT(SOCK_RAW), CONSTANT(SOCK_SEQPACKET),
      CONSTANT(SOCK_RDM),
      CONSTANT(IPPROTO_IP), CONSTANT(IPPROTO_IPV6), CONSTANT(IPPROTO_TCP), CONSTANT(IPPROTO_UDP),
      CONSTANT(IPPROTO_RAW), CONSTANT(IPPROTO_ICMP), CONSTANT(IPPROTO_ICMPV6),
      CONSTANT(SOL_SOCKET),
      CONSTANT(SO_ACCEPTCONN), CONSTANT(SO_BROADCAST), CONSTANT(SO_DEBUG), CONSTANT(SO_DONTROUTE),
      CONSTANT(SO_ERROR), CONSTANT(SO_KEEPALIVE), CONSTANT(SO_LINGER), CONSTANT(SO_DONTLINGER),
      CONSTANT(SO_OOBINLINE), CONSTANT(SO_RCVBUF), CONSTANT(SO_RCVLOWAT), CONSTANT(SO_RCVTIMEO),
      CONSTANT(SO_REUSEADDR), CONSTANT(SO_EXCLUSIVEADDRUSE), CONSTANT(SO_REUSE_UNICASTPORT),
      CONSTANT(SO_CONDITIONAL_ACCEPT), CONSTANT(SO_SNDBUF), CONSTANT(SO_SNDLOWAT),
      CONSTANT(SO_SNDTIMEO), CONSTANT(SO_TYPE), CONSTANT(SO_UPDATE_ACCEPT_CONTEXT),
      CONSTANT(SO_UPDATE_CONNECT_CONTEXT), CONSTANT(SO_CONNECT_TIME),
      CONSTANT(TCP_NODELAY), CONSTANT(TCP_KEEPALIVE), CONSTANT(TCP_KEEPIDLE),
      CONSTANT(TCP_KEEPINTVL), CONSTANT(TCP_KEEPCNT), CONSTANT(TCP_MAXRT), CONSTANT(TCP_FASTOPEN),
      CONSTANT(IP_OPTIONS), CONSTANT(IP_HDRINCL), CONSTANT(IP_TOS), CONSTANT(IP_TTL),
      CONSTANT(IP_MULTICAST_IF), CONSTANT(IP_MULTICAST_TTL), CONSTANT(IP_MULTICAST_LOOP),
      CONSTANT(IP_ADD_MEMBERSHIP), CONSTANT(IP_DROP_MEMBERSHIP), CONSTANT(IP_DONTFRAGMENT),
      CONSTANT(IP_PKTINFO), CONSTANT(IP_RECVTOS), CONSTANT(IP_UNICAST_IF), CONSTANT(IP_RECVTTL),
      CONSTANT(IP_HOPLIMIT),
      // Winsock turns on the IPv6 destination report with IPV6_PKTINFO
      // itself; POSIX calls that option IPV6_RECVPKTINFO (RFC 3542), the
      // name the typed option table uses.
      // https://learn.microsoft.com/windows/win32/winsock/ipproto-ipv6-socket-options
      {"IPV6_RECVPKTINFO", IPV6_PKTINFO},
      CONSTANT(IPV6_V6ONLY), CONSTANT(IPV6_UNICAST_HOPS), CONSTANT(IPV6_MULTICAST_IF),
      CONSTANT(IPV6_MULTICAST_HOPS), CONSTANT(IPV6_MULTICAST_LOOP), CONSTANT(IPV6_JOIN_GROUP),
      CONSTANT(IPV6_LEAVE_GROUP), CONSTANT(IPV6_ADD_MEMBERSHIP), CONSTANT(IPV6_DROP_MEMBERSHIP),
      CONSTANT(IPV6_HOPLIMIT), CONSTANT(IPV6_PKTINFO), CONSTANT(IPV6_TCLASS),
      CONSTANT(IPV6_RECVTCLASS), CONSTANT(IPV6_UNICAST_IF),
      CONSTANT(MSG_OOB), CONSTANT(MSG_PEEK), CONSTANT(MSG_DONTROUTE), CONSTANT(MSG_WAITALL),
      CONSTANT(MSG_TRUNC), CONSTANT(MSG_CTRUNC), CONSTANT(MSG_PARTIAL),
      CONSTANT(MSG_PUSH_IMMEDIATE),
      CONSTANT(SHUT_RD), CONSTANT(SHUT_WR), CONSTANT(SHUT_RDWR),
      CONSTANT(SD_RECEIVE), CONSTANT(SD_SEND), CONSTANT(SD_BOTH),
      CONSTANT(FIONREAD), CONSTANT(SIOCATMARK), CONSTANT(SOMAXCONN),
      // struct linger is two u_shorts here, two ints on POSIX:
      // lib/socket/options.ts lays out SO_LINGER from this size.
      {"SIZEOF_LINGER", static_cast<int64_t>(sizeof(struct linger))},
  };
  return table;
}

#undef CONSTANT

}  // namespace sys
