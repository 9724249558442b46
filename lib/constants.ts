// The platform's numbers for the raw calls (setsockopt, getsockopt, flags),
// as the addon read them from the system headers. A name the platform lacks
// is absent, as in Python's socket module.
import { binding } from './native';

export const constants: Readonly<Record<string, number>> = Object.freeze({ ...binding.constants });

/** 'winsock' on Windows, 'posix' on Linux and macOS. */
export const backend: 'winsock' | 'posix' = binding.backend;

/** What the backend is: WSADATA.szDescription, or the system's name. */
export const description: string = binding.description;

/** True when the Winsock backend runs on Wine rather than Windows. */
export const underWine: boolean = binding.wine;
