// The platform's numbers for the raw calls (setsockopt, getsockopt, flags),
// as the addon read them from the system headers. A name the platform lacks
// is absent, as in Python's socket module.
import { binding } from './native';

export const constants: Readonly<Record<string, number>> = Object.freeze({ ...binding.constants });

/** 'winsock' on Windows, 'posix' on Linux and macOS. */
export const backend: 'winsock' | 'posix' = binding.backend;

/** What the backend is: WSADATA.szDescription, or the system's name. */
export const description: string = binding.description;

/**
 * The engine that waits for the backend's events: `'io_uring'` or `'epoll'`
 * on Linux (io_uring where the kernel allows it; `WINSOCK_BACKEND=epoll`
 * forces epoll), `'kqueue'` on macOS, `'iocp'` (an I/O completion port) on
 * Windows.
 */
export const engine: 'io_uring' | 'epoll' | 'kqueue' | 'iocp' = binding.engine;

/** Why {@link engine} is not the preferred one (`'io_uring_setup: EPERM'`), or `''`. */
export const engineFallback: string = binding.engineFallback;

/** True when the Winsock backend runs on Wine rather than Windows. */
export const underWine: boolean = binding.wine;
