// JS address objects <-> sys::Address. lib/socket/address.ts validates shapes and
// ranges first; these checks only keep the addon safe from anything else.
#pragma once

#include <napi.h>

#include "sys.h"

namespace winsock {

// { address, port, flowinfo?, scopeId? } or a string (a Unix socket path).
// `family` (AF_*) of the socket decides how an IPv4 literal is encoded.
sys::Address ToAddress(Napi::Value value, sys::AddressKind family);
// { family: 'inet' | 'inet6', address, port[, flowinfo, scopeId] } or { path }.
Napi::Value FromAddress(Napi::Env env, const sys::Address& address);

}  // namespace winsock
