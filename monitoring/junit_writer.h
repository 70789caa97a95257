// junit.xml: the run as a JUnit report for CI (GitHub Actions, GitLab, Jenkins read the classic
// schema: testsuites > testsuite > testcase > failure). One test case per check, and one per
// SLI that no SLO gate check already covers; details in <system-out>.
//
//   write_file_atomic(dir + "/junit.xml", junit_xml(run, evaluation), &error);
//
// Deterministic (times are 0, no timestamp). Pure functions; thread-safe on distinct inputs.
#pragma once

#include <string>
#include <string_view>

#include "monitoring/evaluation.h"

namespace faultline::monitoring {

// <testsuites name="faultline"> holding <testsuite name="<experiment>"> with properties seed,
// file, duration_s; test cases "<check name>" (classname "<experiment>.expect", or
// "<experiment>.slo" for SLO gate checks) failing with the detail as message, then
// "sli <name>" cases (classname "<experiment>.slo") for SLIs without a gate check: they pass
// (the value, target and status in <system-out>), since only a gated breach fails a run.
std::string junit_xml(const RunOutcome& run, const Evaluation& evaluation);

// Escapes & < > " ' for text and attributes; drops characters XML 1.0 forbids (controls other
// than tab, newline, carriage return) and replaces invalid UTF-8 bytes with U+FFFD.
std::string xml_escape(std::string_view text);

}  // namespace faultline::monitoring
