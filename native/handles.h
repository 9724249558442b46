// Sockets given up by detach() and not adopted yet, process-wide (worker
// threads share the process, and a handle may be adopted in any of them).
//
// What detach() hands to JS is a token, never the platform handle itself:
// on POSIX the handle is a bare fd number that the process reuses as soon as
// the socket is closed, so a stale copy adopted later would wrap an
// unrelated socket; on Windows a WSAPROTOCOL_INFOW is good for one
// WSASocketW only. A token is taken at most once, so a handle is adopted at
// most once, and a second adopt touches nothing.
#pragma once

#include <cstdint>
#include <vector>

namespace winsock {

namespace handles {

// Keeps the platform's transfer bytes; returns the token that names them.
uint64_t Put(std::vector<uint8_t> transfer);
// Takes the bytes of `token` out for good; false when they were taken
// already (or never were), leaving `out` untouched.
bool Take(uint64_t token, std::vector<uint8_t>* out);

}  // namespace handles

}  // namespace winsock
