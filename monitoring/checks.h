// Checks: one CheckResult per `expect` item of the experiment (contract section 2), named for
// what it asserts and detailed with what the run showed, then the SLO gate checks.
//
//   auto checks = expectation_checks(run, slis);
//   // "breaker content-generation opens within 15 s of fault 0": "opened at 121.400 s, 1.400 s after fault 0 started"
//
// Pure functions; thread-safe on distinct inputs.
#pragma once

#include <string>
#include <optional>
#include <vector>

#include "monitoring/evaluation.h"

namespace faultline::monitoring {

// The check's name, e.g. "breaker postgres never opens", "sli availability at least 99".
std::string check_name(const experiments::Expectation& expectation);

// Evaluates one expect item. A fault's window is [start, start + duration), or to the end of
// the run (the experiment's duration) when it has no duration.
//  - opens_within_s: the first transition to OPEN (from CLOSED or HALF_OPEN) at or after the
//    fault's start is at most `within` after it.
//  - closes_within_s: the breaker is CLOSED at some instant of [end, end + within]: already
//    CLOSED at the fault's end, or a transition to CLOSED in that interval.
//  - never_opens / max_open_transitions: transitions to OPEN, from any state.
//  - max_calls_while_open: calls that reached the dependency while the breaker was OPEN.
//  - sli at_least / at_most: the run's SLI (`slis` from compute_slis), bounds inclusive.
//  - dependency max_calls: calls that reached the dependency, retries included.
// An unknown breaker, fault, SLI or dependency fails the check and says so. A breaker or
// dependency item of a run that observes neither (RunOutcome::unobserved, live --target) is
// not evaluated: it fails, `evaluated` false, the detail "not evaluated: <why>".
CheckResult check_expectation(const RunOutcome& run, const experiments::Expectation& expectation,
                              const std::vector<SliResult>& slis);

// check_expectation for every expect item, in file order.
std::vector<CheckResult> expectation_checks(const RunOutcome& run, const std::vector<SliResult>& slis);

// With slo.gate: one check "slo <sli>" per SLI with a target; it fails when the SLI is
// breaching, passes with a "warning: at risk" detail when at risk. Without the gate: none.
std::vector<CheckResult> slo_gate_checks(const experiments::SloConfig& slo, const std::vector<SliResult>& slis);
// "every request answered": present only when some request ended with no answer (a client
// timeout, 499, or unanswered when the drain ended, 0); it fails when their share is above
// load.max_no_answer_percent (default 0), whether or not the SLO gate is on.
std::optional<CheckResult> answer_check(const RunOutcome& run);

}  // namespace faultline::monitoring
