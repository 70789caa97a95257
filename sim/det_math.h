// det_math: exp, log, log1p, log10, pow and erfc computed by the project's own code from IEEE-754
// double operations only (+ - * / sqrt, exact scaling), so that every machine gets the same
// bits: a C library's versions differ between implementations and CPUs in the last bit, and
// a draw moved by one ulp can move an event by a nanosecond. Built with -ffp-contract=off.
//
//   double gap = -mean * det::log(u);   // in faultline::sim, instead of std::log
//
// Accuracy (tests/sim/det_math_test.cpp measures it against glibc over millions of inputs):
// exp within 1 ulp, log within 1 (2 for x within 30 % of 1), log1p within 3, log10 within 2
// (exact at the powers of ten 1e-22..1e22, so floor(log10(x)) finds x's decade); pow(x, y) within
// 2 + 2 |y ln x| ulp; erfc within 6e-14 relative. log is table-driven (a constexpr table): the
// exponential draw's log is on the hot path, and this costs about 7 ns more than glibc's. Special values as IEEE: NaN in, NaN out; log(0) = -inf.
#pragma once

namespace faultline::sim::det {

double exp(double x);
double log(double x);
double log1p(double x);
double log10(double x);
double pow(double x, double y);
double erfc(double x);

}  // namespace faultline::sim::det
