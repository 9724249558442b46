// Batches of completions (sys::LoopHooks enter and leave) and the settling
// of their promises once per turn of the loop.
//
// A batch from the loop (a readiness callback on epoll, a drain of the
// completion queue on io_uring or IOCP) runs in one handle scope. It opens
// a callback scope only once it calls JS: the program's (onData, onEnd,
// onurgent) or lib/'s settling, so that the reactions and ticks that code
// queued run when the batch is over, as after any Node callback. The
// operations a batch completed are only recorded (completions.h). They are
// settled once the loop's round of callbacks is over (sys::
// loop_call_at_turn_end), all in one callback scope: one call into JS and
// one microtask checkpoint per turn, where node:net pays a MakeCallback for
// each socket that was ready.
#pragma once

#include "environment.h"

namespace winsock {

// The loop's hooks (enter, leave, turn_end) for this environment, and
// the completion ring's before_settle.
void ConnectBatches(Environment* environment, sys::LoopHooks* hooks);

void EnterBatch(void* context);
void LeaveBatch(void* context);
// LoopHooks::turn_end: settles what the turn's batches recorded.
void TurnEnd(void* context);

// Before JS runs inside a batch: its callback scope, opened once.
void BatchCallsJs(void* context);
// Before the program's JS runs: that too, and every completion recorded so
// far settled first, in order (the program's code may do anything, even
// detach the slab a recorded chunk lies in).
void BeforeProgramCode(Environment* environment);

}  // namespace winsock
