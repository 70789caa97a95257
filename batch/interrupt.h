// Interrupt: SIGINT/SIGTERM handling for long commands. The handler only records the signal;
// commands poll interrupted() between slices of virtual time (never inside the event loop's
// hot path), stop cleanly, write nothing partial, and exit 128 + signal (130 or 143).
#pragma once

namespace faultline::batch {

void install_interrupt_handlers();
// Returns the signal number received (SIGINT or SIGTERM), or 0.
int interrupted();
// The exit status for an interrupted command: 128 + signal.
int interrupted_exit_code();

}  // namespace faultline::batch
