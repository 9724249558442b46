// The platform numbers exported to JS as `constants`, for the raw calls.
// A name the system lacks is simply absent, as in Python's socket module.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "posix.h"

namespace sys {

const std::vector<Constant>& constants() {
  static const std::vector<Constant> table = {
#ifdef AF_UNSPEC
      {"AF_UNSPEC", AF_UNSPEC},
#endif
#ifdef AF_INET
      {"AF_INET", AF_INET},
#endif
#ifdef AF_INET6
      {"AF_INET6", AF_INET6},
#endif
#ifdef AF_UNIX
      {"AF_UNIX", AF_UNIX},
#endif
#ifdef SOCK_STREAM
      {"SOCK_STREAM", SOCK_STREAM},
#endif
#ifdef SOCK_DGRAM
      {"SOCK_DGRAM", SOCK_DGRAM},
#endif
#ifdef SOCK_RAW
      {"SOCK_RAW", SOCK_RAW},
#endif
#ifdef SOCK_SEQPACKET
      {"SOCK_SEQPACKET", SOCK_SEQPACKET},
#endif
#ifdef IPPROTO_IP
      {"IPPROTO_IP", IPPROTO_IP},
#endif
#ifdef IPPROTO_IPV6
      {"IPPROTO_IPV6", IPPROTO_IPV6},
#endif
#ifdef IPPROTO_TCP
      {"IPPROTO_TCP", IPPROTO_TCP},
#endif
#ifdef IPPROTO_UDP
      {"IPPROTO_UDP", IPPROTO_UDP},
#endif
#ifdef IPPROTO_RAW
      {"IPPROTO_RAW", IPPROTO_RAW},
#endif
#ifdef IPPROTO_ICMP
      {"IPPROTO_ICMP", IPPROTO_ICMP},
#endif
#ifdef IPPROTO_ICMPV6
      {"IPPROTO_ICMPV6", IPPROTO_ICMPV6},
#endif
#ifdef SOL_SOCKET
      {"SOL_SOCKET", SOL_SOCKET},
#endif
#ifdef SO_ACCEPTCONN
      {"SO_ACCEPTCONN", SO_ACCEPTCONN},
#endif
#ifdef SO_BROADCAST
      {"SO_BROADCAST", SO_BROADCAST},
#endif
#ifdef SO_DEBUG
      {"SO_DEBUG", SO_DEBUG},
#endif
#ifdef SO_DONTROUTE
      {"SO_DONTROUTE", SO_DONTROUTE},
#endif
#ifdef SO_ERROR
      {"SO_ERROR", SO_ERROR},
#endif
#ifdef SO_KEEPALIVE
      {"SO_KEEPALIVE", SO_KEEPALIVE},
#endif
#ifdef SO_LINGER
      {"SO_LINGER", SO_LINGER},
#endif
#ifdef SO_OOBINLINE
      {"SO_OOBINLINE", SO_OOBINLINE},
#endif
#ifdef SO_RCVBUF
      {"SO_RCVBUF", SO_RCVBUF},
#endif
#ifdef SO_RCVLOWAT
      {"SO_RCVLOWAT", SO_RCVLOWAT},
#endif
#ifdef SO_RCVTIMEO
      {"SO_RCVTIMEO", SO_RCVTIMEO},
#endif
#ifdef SO_REUSEADDR
      {"SO_REUSEADDR", SO_REUSEADDR},
#endif
#ifdef SO_REUSEPORT
      {"SO_REUSEPORT", SO_REUSEPORT},
#endif
#ifdef SO_SNDBUF
      {"SO_SNDBUF", SO_SNDBUF},
#endif
#ifdef SO_SNDLOWAT
      {"SO_SNDLOWAT", SO_SNDLOWAT},
#endif
#ifdef SO_SNDTIMEO
      {"SO_SNDTIMEO", SO_SNDTIMEO},
#endif
#ifdef SO_TYPE
      {"SO_TYPE", SO_TYPE},
#endif
#ifdef SO_DOMAIN
      {"SO_DOMAIN", SO_DOMAIN},
#endif
#ifdef SO_PROTOCOL
      {"SO_PROTOCOL", SO_PROTOCOL},
#endif
#ifdef SO_PRIORITY
      {"SO_PRIORITY", SO_PRIORITY},
#endif
#ifdef SO_BINDTODEVICE
      {"SO_BINDTODEVICE", SO_BINDTODEVICE},
#endif
#ifdef SO_NOSIGPIPE
      {"SO_NOSIGPIPE", SO_NOSIGPIPE},
#endif
#ifdef TCP_NODELAY
      {"TCP_NODELAY", TCP_NODELAY},
#endif
#ifdef TCP_MAXSEG
      {"TCP_MAXSEG", TCP_MAXSEG},
#endif
#ifdef TCP_KEEPIDLE
      {"TCP_KEEPIDLE", TCP_KEEPIDLE},
#endif
#ifdef TCP_KEEPALIVE
      {"TCP_KEEPALIVE", TCP_KEEPALIVE},
#endif
#ifdef TCP_KEEPINTVL
      {"TCP_KEEPINTVL", TCP_KEEPINTVL},
#endif
#ifdef TCP_KEEPCNT
      {"TCP_KEEPCNT", TCP_KEEPCNT},
#endif
#ifdef TCP_CORK
      {"TCP_CORK", TCP_CORK},
#endif
#ifdef TCP_NOPUSH
      {"TCP_NOPUSH", TCP_NOPUSH},
#endif
#ifdef TCP_QUICKACK
      {"TCP_QUICKACK", TCP_QUICKACK},
#endif
#ifdef TCP_USER_TIMEOUT
      {"TCP_USER_TIMEOUT", TCP_USER_TIMEOUT},
#endif
#ifdef TCP_FASTOPEN
      {"TCP_FASTOPEN", TCP_FASTOPEN},
#endif
#ifdef TCP_CONGESTION
      {"TCP_CONGESTION", TCP_CONGESTION},
#endif
#ifdef TCP_INFO
      {"TCP_INFO", TCP_INFO},
#endif
#ifdef IP_TOS
      {"IP_TOS", IP_TOS},
#endif
#ifdef IP_TTL
      {"IP_TTL", IP_TTL},
#endif
#ifdef IP_HDRINCL
      {"IP_HDRINCL", IP_HDRINCL},
#endif
#ifdef IP_OPTIONS
      {"IP_OPTIONS", IP_OPTIONS},
#endif
#ifdef IP_RECVTOS
      {"IP_RECVTOS", IP_RECVTOS},
#endif
#ifdef IP_MULTICAST_IF
      {"IP_MULTICAST_IF", IP_MULTICAST_IF},
#endif
#ifdef IP_MULTICAST_TTL
      {"IP_MULTICAST_TTL", IP_MULTICAST_TTL},
#endif
#ifdef IP_MULTICAST_LOOP
      {"IP_MULTICAST_LOOP", IP_MULTICAST_LOOP},
#endif
#ifdef IP_ADD_MEMBERSHIP
      {"IP_ADD_MEMBERSHIP", IP_ADD_MEMBERSHIP},
#endif
#ifdef IP_DROP_MEMBERSHIP
      {"IP_DROP_MEMBERSHIP", IP_DROP_MEMBERSHIP},
#endif
#ifdef IP_PKTINFO
      {"IP_PKTINFO", IP_PKTINFO},
#endif
#ifdef IP_RECVERR
      {"IP_RECVERR", IP_RECVERR},
#endif
#ifdef IP_MTU_DISCOVER
      {"IP_MTU_DISCOVER", IP_MTU_DISCOVER},
#endif
#ifdef IP_FREEBIND
      {"IP_FREEBIND", IP_FREEBIND},
#endif
#ifdef IP_TRANSPARENT
      {"IP_TRANSPARENT", IP_TRANSPARENT},
#endif
#ifdef IPV6_V6ONLY
      {"IPV6_V6ONLY", IPV6_V6ONLY},
#endif
#ifdef IPV6_UNICAST_HOPS
      {"IPV6_UNICAST_HOPS", IPV6_UNICAST_HOPS},
#endif
#ifdef IPV6_MULTICAST_IF
      {"IPV6_MULTICAST_IF", IPV6_MULTICAST_IF},
#endif
#ifdef IPV6_MULTICAST_HOPS
      {"IPV6_MULTICAST_HOPS", IPV6_MULTICAST_HOPS},
#endif
#ifdef IPV6_MULTICAST_LOOP
      {"IPV6_MULTICAST_LOOP", IPV6_MULTICAST_LOOP},
#endif
#ifdef IPV6_JOIN_GROUP
      {"IPV6_JOIN_GROUP", IPV6_JOIN_GROUP},
#endif
#ifdef IPV6_LEAVE_GROUP
      {"IPV6_LEAVE_GROUP", IPV6_LEAVE_GROUP},
#endif
#ifdef IPV6_ADD_MEMBERSHIP
      {"IPV6_ADD_MEMBERSHIP", IPV6_ADD_MEMBERSHIP},
#endif
#ifdef IPV6_DROP_MEMBERSHIP
      {"IPV6_DROP_MEMBERSHIP", IPV6_DROP_MEMBERSHIP},
#endif
#ifdef SCM_RIGHTS
      {"SCM_RIGHTS", SCM_RIGHTS},
#endif
#ifdef SO_TIMESTAMPNS
      {"SO_TIMESTAMPNS", SO_TIMESTAMPNS},
#endif
#ifdef SCM_TIMESTAMPNS
      {"SCM_TIMESTAMPNS", SCM_TIMESTAMPNS},
#endif
#ifdef IP_RECVTTL
      {"IP_RECVTTL", IP_RECVTTL},
#endif
#ifdef IPV6_PKTINFO
      {"IPV6_PKTINFO", IPV6_PKTINFO},
#endif
#ifdef IPV6_RECVTCLASS
      {"IPV6_RECVTCLASS", IPV6_RECVTCLASS},
#endif
#ifdef IPV6_RECVHOPLIMIT
      {"IPV6_RECVHOPLIMIT", IPV6_RECVHOPLIMIT},
#endif
#ifdef IPV6_HOPLIMIT
      {"IPV6_HOPLIMIT", IPV6_HOPLIMIT},
#endif
#ifdef IPV6_TCLASS
      {"IPV6_TCLASS", IPV6_TCLASS},
#endif
#ifdef IPV6_RECVPKTINFO
      {"IPV6_RECVPKTINFO", IPV6_RECVPKTINFO},
#endif
#ifdef MSG_OOB
      {"MSG_OOB", MSG_OOB},
#endif
#ifdef MSG_PEEK
      {"MSG_PEEK", MSG_PEEK},
#endif
#ifdef MSG_DONTROUTE
      {"MSG_DONTROUTE", MSG_DONTROUTE},
#endif
#ifdef MSG_WAITALL
      {"MSG_WAITALL", MSG_WAITALL},
#endif
#ifdef MSG_TRUNC
      {"MSG_TRUNC", MSG_TRUNC},
#endif
#ifdef MSG_CTRUNC
      {"MSG_CTRUNC", MSG_CTRUNC},
#endif
#ifdef MSG_DONTWAIT
      {"MSG_DONTWAIT", MSG_DONTWAIT},
#endif
#ifdef MSG_EOR
      {"MSG_EOR", MSG_EOR},
#endif
#ifdef MSG_NOSIGNAL
      {"MSG_NOSIGNAL", MSG_NOSIGNAL},
#endif
#ifdef MSG_MORE
      {"MSG_MORE", MSG_MORE},
#endif
#ifdef MSG_CONFIRM
      {"MSG_CONFIRM", MSG_CONFIRM},
#endif
#ifdef SHUT_RD
      {"SHUT_RD", SHUT_RD},
#endif
#ifdef SHUT_WR
      {"SHUT_WR", SHUT_WR},
#endif
#ifdef SHUT_RDWR
      {"SHUT_RDWR", SHUT_RDWR},
#endif
#ifdef FIONREAD
      {"FIONREAD", FIONREAD},
#endif
#ifdef SIOCATMARK
      {"SIOCATMARK", SIOCATMARK},
#endif
#ifdef SOMAXCONN
      {"SOMAXCONN", SOMAXCONN},
#endif
      // struct linger differs (two ints here, two u_shorts on Windows):
      // lib/socket/options.ts lays out SO_LINGER from this size.
      {"SIZEOF_LINGER", sizeof(struct linger)},
  };
  return table;
}

}  // namespace sys
