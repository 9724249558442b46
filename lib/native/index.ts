// The addon: its binding (the NativeSocket class and the static calls) and
// what it read from the platform (constants, backend, engine). The one
// place lib/ loads native code from.
export { binding } from './binding';
export type { NativeAddress, NativeAddressOut, NativeMessage, NativeSocket } from './binding';
export { backend, constants, description, engine, engineFallback, underWine } from './constants';
