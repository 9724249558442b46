// The platform numbers exported to JS as `constants`, for the raw calls:
// the same names as native/posix/constants.cc where Windows has them (so
// lib/ reads one set of keys), plus Winsock's own (SO_EXCLUSIVEADDRUSE,
// SD_*, SIO_KEEPALIVE_VALS). A name the system lacks is simply absent.
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

namespace sys {

const std::vector<Constant>& constants() {
  static const std::vector<Constant> table = {
#ifdef AF_UNSPEC
      {"AF_UNSPEC", static_cast<int64_t>(AF_UNSPEC)},
#endif
#ifdef AF_INET
      {"AF_INET", static_cast<int64_t>(AF_INET)},
#endif
#ifdef AF_INET6
      {"AF_INET6", static_cast<int64_t>(AF_INET6)},
#endif
#ifdef AF_UNIX
      {"AF_UNIX", static_cast<int64_t>(AF_UNIX)},
#endif
#ifdef SOCK_STREAM
      {"SOCK_STREAM", static_cast<int64_t>(SOCK_STREAM)},
#endif
#ifdef SOCK_DGRAM
      {"SOCK_DGRAM", static_cast<int64_t>(SOCK_DGRAM)},
#endif
#ifdef SOCK_RAW
      {"SOCK_RAW", static_cast<int64_t>(SOCK_RAW)},
#endif
#ifdef SOCK_SEQPACKET
      {"SOCK_SEQPACKET", static_cast<int64_t>(SOCK_SEQPACKET)},
#endif
#ifdef SOCK_RDM
      {"SOCK_RDM", static_cast<int64_t>(SOCK_RDM)},
#endif
#ifdef IPPROTO_IP
      {"IPPROTO_IP", static_cast<int64_t>(IPPROTO_IP)},
#endif
#ifdef IPPROTO_IPV6
      {"IPPROTO_IPV6", static_cast<int64_t>(IPPROTO_IPV6)},
#endif
#ifdef IPPROTO_TCP
      {"IPPROTO_TCP", static_cast<int64_t>(IPPROTO_TCP)},
#endif
#ifdef IPPROTO_UDP
      {"IPPROTO_UDP", static_cast<int64_t>(IPPROTO_UDP)},
#endif
#ifdef IPPROTO_RAW
      {"IPPROTO_RAW", static_cast<int64_t>(IPPROTO_RAW)},
#endif
#ifdef IPPROTO_ICMP
      {"IPPROTO_ICMP", static_cast<int64_t>(IPPROTO_ICMP)},
#endif
#ifdef IPPROTO_ICMPV6
      {"IPPROTO_ICMPV6", static_cast<int64_t>(IPPROTO_ICMPV6)},
#endif
#ifdef SOL_SOCKET
      {"SOL_SOCKET", static_cast<int64_t>(SOL_SOCKET)},
#endif
#ifdef SO_ACCEPTCONN
      {"SO_ACCEPTCONN", static_cast<int64_t>(SO_ACCEPTCONN)},
#endif
#ifdef SO_BROADCAST
      {"SO_BROADCAST", static_cast<int64_t>(SO_BROADCAST)},
#endif
#ifdef SO_DEBUG
      {"SO_DEBUG", static_cast<int64_t>(SO_DEBUG)},
#endif
#ifdef SO_DONTROUTE
      {"SO_DONTROUTE", static_cast<int64_t>(SO_DONTROUTE)},
#endif
#ifdef SO_ERROR
      {"SO_ERROR", static_cast<int64_t>(SO_ERROR)},
#endif
#ifdef SO_KEEPALIVE
      {"SO_KEEPALIVE", static_cast<int64_t>(SO_KEEPALIVE)},
#endif
#ifdef SO_LINGER
      {"SO_LINGER", static_cast<int64_t>(SO_LINGER)},
#endif
#ifdef SO_DONTLINGER
      {"SO_DONTLINGER", static_cast<int64_t>(SO_DONTLINGER)},
#endif
#ifdef SO_OOBINLINE
      {"SO_OOBINLINE", static_cast<int64_t>(SO_OOBINLINE)},
#endif
#ifdef SO_RCVBUF
      {"SO_RCVBUF", static_cast<int64_t>(SO_RCVBUF)},
#endif
#ifdef SO_RCVLOWAT
      {"SO_RCVLOWAT", static_cast<int64_t>(SO_RCVLOWAT)},
#endif
#ifdef SO_RCVTIMEO
      {"SO_RCVTIMEO", static_cast<int64_t>(SO_RCVTIMEO)},
#endif
#ifdef SO_REUSEADDR
      {"SO_REUSEADDR", static_cast<int64_t>(SO_REUSEADDR)},
#endif
#ifdef SO_EXCLUSIVEADDRUSE
      {"SO_EXCLUSIVEADDRUSE", static_cast<int64_t>(SO_EXCLUSIVEADDRUSE)},
#endif
#ifdef SO_REUSE_UNICASTPORT
      {"SO_REUSE_UNICASTPORT", static_cast<int64_t>(SO_REUSE_UNICASTPORT)},
#endif
#ifdef SO_CONDITIONAL_ACCEPT
      {"SO_CONDITIONAL_ACCEPT", static_cast<int64_t>(SO_CONDITIONAL_ACCEPT)},
#endif
#ifdef SO_SNDBUF
      {"SO_SNDBUF", static_cast<int64_t>(SO_SNDBUF)},
#endif
#ifdef SO_SNDLOWAT
      {"SO_SNDLOWAT", static_cast<int64_t>(SO_SNDLOWAT)},
#endif
#ifdef SO_SNDTIMEO
      {"SO_SNDTIMEO", static_cast<int64_t>(SO_SNDTIMEO)},
#endif
#ifdef SO_TYPE
      {"SO_TYPE", static_cast<int64_t>(SO_TYPE)},
#endif
#ifdef SO_UPDATE_ACCEPT_CONTEXT
      {"SO_UPDATE_ACCEPT_CONTEXT", static_cast<int64_t>(SO_UPDATE_ACCEPT_CONTEXT)},
#endif
#ifdef SO_UPDATE_CONNECT_CONTEXT
      {"SO_UPDATE_CONNECT_CONTEXT", static_cast<int64_t>(SO_UPDATE_CONNECT_CONTEXT)},
#endif
#ifdef SO_CONNECT_TIME
      {"SO_CONNECT_TIME", static_cast<int64_t>(SO_CONNECT_TIME)},
#endif
#ifdef TCP_NODELAY
      {"TCP_NODELAY", static_cast<int64_t>(TCP_NODELAY)},
#endif
#ifdef TCP_KEEPALIVE
      {"TCP_KEEPALIVE", static_cast<int64_t>(TCP_KEEPALIVE)},
#endif
#ifdef TCP_KEEPIDLE
      {"TCP_KEEPIDLE", static_cast<int64_t>(TCP_KEEPIDLE)},
#endif
#ifdef TCP_KEEPINTVL
      {"TCP_KEEPINTVL", static_cast<int64_t>(TCP_KEEPINTVL)},
#endif
#ifdef TCP_KEEPCNT
      {"TCP_KEEPCNT", static_cast<int64_t>(TCP_KEEPCNT)},
#endif
#ifdef TCP_MAXRT
      {"TCP_MAXRT", static_cast<int64_t>(TCP_MAXRT)},
#endif
#ifdef TCP_FASTOPEN
      {"TCP_FASTOPEN", static_cast<int64_t>(TCP_FASTOPEN)},
#endif
#ifdef IP_OPTIONS
      {"IP_OPTIONS", static_cast<int64_t>(IP_OPTIONS)},
#endif
#ifdef IP_HDRINCL
      {"IP_HDRINCL", static_cast<int64_t>(IP_HDRINCL)},
#endif
#ifdef IP_TOS
      {"IP_TOS", static_cast<int64_t>(IP_TOS)},
#endif
#ifdef IP_TTL
      {"IP_TTL", static_cast<int64_t>(IP_TTL)},
#endif
#ifdef IP_MULTICAST_IF
      {"IP_MULTICAST_IF", static_cast<int64_t>(IP_MULTICAST_IF)},
#endif
#ifdef IP_MULTICAST_TTL
      {"IP_MULTICAST_TTL", static_cast<int64_t>(IP_MULTICAST_TTL)},
#endif
#ifdef IP_MULTICAST_LOOP
      {"IP_MULTICAST_LOOP", static_cast<int64_t>(IP_MULTICAST_LOOP)},
#endif
#ifdef IP_ADD_MEMBERSHIP
      {"IP_ADD_MEMBERSHIP", static_cast<int64_t>(IP_ADD_MEMBERSHIP)},
#endif
#ifdef IP_DROP_MEMBERSHIP
      {"IP_DROP_MEMBERSHIP", static_cast<int64_t>(IP_DROP_MEMBERSHIP)},
#endif
#ifdef IP_DONTFRAGMENT
      {"IP_DONTFRAGMENT", static_cast<int64_t>(IP_DONTFRAGMENT)},
#endif
#ifdef IP_PKTINFO
      {"IP_PKTINFO", static_cast<int64_t>(IP_PKTINFO)},
#endif
#ifdef IP_RECVTOS
      {"IP_RECVTOS", static_cast<int64_t>(IP_RECVTOS)},
#endif
#ifdef IP_UNICAST_IF
      {"IP_UNICAST_IF", static_cast<int64_t>(IP_UNICAST_IF)},
#endif
#ifdef IPV6_V6ONLY
      {"IPV6_V6ONLY", static_cast<int64_t>(IPV6_V6ONLY)},
#endif
#ifdef IPV6_UNICAST_HOPS
      {"IPV6_UNICAST_HOPS", static_cast<int64_t>(IPV6_UNICAST_HOPS)},
#endif
#ifdef IPV6_MULTICAST_IF
      {"IPV6_MULTICAST_IF", static_cast<int64_t>(IPV6_MULTICAST_IF)},
#endif
#ifdef IPV6_MULTICAST_HOPS
      {"IPV6_MULTICAST_HOPS", static_cast<int64_t>(IPV6_MULTICAST_HOPS)},
#endif
#ifdef IPV6_MULTICAST_LOOP
      {"IPV6_MULTICAST_LOOP", static_cast<int64_t>(IPV6_MULTICAST_LOOP)},
#endif
#ifdef IPV6_JOIN_GROUP
      {"IPV6_JOIN_GROUP", static_cast<int64_t>(IPV6_JOIN_GROUP)},
#endif
#ifdef IPV6_LEAVE_GROUP
      {"IPV6_LEAVE_GROUP", static_cast<int64_t>(IPV6_LEAVE_GROUP)},
#endif
#ifdef IPV6_ADD_MEMBERSHIP
      {"IPV6_ADD_MEMBERSHIP", static_cast<int64_t>(IPV6_ADD_MEMBERSHIP)},
#endif
#ifdef IPV6_DROP_MEMBERSHIP
      {"IPV6_DROP_MEMBERSHIP", static_cast<int64_t>(IPV6_DROP_MEMBERSHIP)},
#endif
#ifdef IPV6_HOPLIMIT
      {"IPV6_HOPLIMIT", static_cast<int64_t>(IPV6_HOPLIMIT)},
#endif
#ifdef IPV6_PKTINFO
      {"IPV6_PKTINFO", static_cast<int64_t>(IPV6_PKTINFO)},
#endif
#ifdef IPV6_TCLASS
      {"IPV6_TCLASS", static_cast<int64_t>(IPV6_TCLASS)},
#endif
#ifdef IPV6_RECVTCLASS
      {"IPV6_RECVTCLASS", static_cast<int64_t>(IPV6_RECVTCLASS)},
#endif
#ifdef IPV6_UNICAST_IF
      {"IPV6_UNICAST_IF", static_cast<int64_t>(IPV6_UNICAST_IF)},
#endif
#ifdef MSG_OOB
      {"MSG_OOB", static_cast<int64_t>(MSG_OOB)},
#endif
#ifdef MSG_PEEK
      {"MSG_PEEK", static_cast<int64_t>(MSG_PEEK)},
#endif
#ifdef MSG_DONTROUTE
      {"MSG_DONTROUTE", static_cast<int64_t>(MSG_DONTROUTE)},
#endif
#ifdef MSG_WAITALL
      {"MSG_WAITALL", static_cast<int64_t>(MSG_WAITALL)},
#endif
#ifdef MSG_TRUNC
      {"MSG_TRUNC", static_cast<int64_t>(MSG_TRUNC)},
#endif
#ifdef MSG_CTRUNC
      {"MSG_CTRUNC", static_cast<int64_t>(MSG_CTRUNC)},
#endif
#ifdef MSG_PARTIAL
      {"MSG_PARTIAL", static_cast<int64_t>(MSG_PARTIAL)},
#endif
#ifdef MSG_PUSH_IMMEDIATE
      {"MSG_PUSH_IMMEDIATE", static_cast<int64_t>(MSG_PUSH_IMMEDIATE)},
#endif
#ifdef SHUT_RD
      {"SHUT_RD", static_cast<int64_t>(SHUT_RD)},
#endif
#ifdef SHUT_WR
      {"SHUT_WR", static_cast<int64_t>(SHUT_WR)},
#endif
#ifdef SHUT_RDWR
      {"SHUT_RDWR", static_cast<int64_t>(SHUT_RDWR)},
#endif
#ifdef SD_RECEIVE
      {"SD_RECEIVE", static_cast<int64_t>(SD_RECEIVE)},
#endif
#ifdef SD_SEND
      {"SD_SEND", static_cast<int64_t>(SD_SEND)},
#endif
#ifdef SD_BOTH
      {"SD_BOTH", static_cast<int64_t>(SD_BOTH)},
#endif
#ifdef FIONREAD
      {"FIONREAD", static_cast<int64_t>(FIONREAD)},
#endif
#ifdef SIOCATMARK
      {"SIOCATMARK", static_cast<int64_t>(SIOCATMARK)},
#endif
#ifdef SOMAXCONN
      {"SOMAXCONN", static_cast<int64_t>(SOMAXCONN)},
#endif
      // struct linger is two u_shorts here, two ints on POSIX:
      // lib/options.ts lays out SO_LINGER from this size.
      {"SIZEOF_LINGER", static_cast<int64_t>(sizeof(struct linger))},
  };
  return table;
}

}  // namespace sys
