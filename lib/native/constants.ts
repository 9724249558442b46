// The platform's numbers for the raw calls (setsockopt, getsockopt, flags),
// as the addon read them from the system headers. A name the platform lacks
// is absent, as in Python's socket module.
import { binding } from './binding';

/**
 * The platform's numbers for the raw calls (`AF_*`, `SOCK_*`, `SOL_SOCKET`,
 * `SO_*`, `TCP_*`, `IP_*`, `IPV6_*`, `MSG_*`), as the addon read them from
 * the system headers; a name the platform lacks is absent.
 */
export const constants: Readonly<Record<string, number>> = Object.freeze({ ...binding.constants });

/** 'winsock' on Windows, 'posix' on Linux and macOS. */
export const backend: 'winsock' | 'posix' = binding.backend;

/** What the backend is: WSADATA.szDescription, or the system's name. */
export const description: string = binding.description;

/**
 * The engine that waits for the backend's events: `'epoll'` or `'io_uring'`
 * on Linux (`WINSOCK_BACKEND=io_uring` asks for io_uring, which the kernel
 * may refuse), `'kqueue'` on macOS, `'iocp'` (an I/O completion port) on
 * Windows.
 */
export const engine: 'io_uring' | 'epoll' | 'kqueue' | 'iocp' = binding.engine;

/** Why {@link engine} is not the one asked for (`'io_uring_setup: EPERM'`), or `''`. */
export const engineFallback: string = binding.engineFallback;

/** True when the Winsock backend runs on Wine rather than Windows. */
export const underWine: boolean = binding.wine;
