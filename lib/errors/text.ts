// An error as one line: its code, and errno and wsaName where it has them.
// (A module of its own, loading no addon: `winsock --help` prints errors too.)

/** `ECONNREFUSED errno 10061 WSAECONNREFUSED (ConnectEx ECONNREFUSED 127.0.0.1:9)` */
export function errorText(error: unknown): string {
  if (error === null || typeof error !== 'object') return String(error);
  const { code, errno, wsaName, message } = error as { code?: string; errno?: number; wsaName?: string; message?: string };
  const parts = [code ?? (error as Error).name ?? 'Error'];
  if (typeof errno === 'number') parts.push(`errno ${errno}`);
  if (wsaName !== undefined) parts.push(wsaName);
  return `${parts.join(' ')} (${message ?? ''})`;
}

