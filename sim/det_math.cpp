#include "sim/det_math.h"

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace faultline::sim::det {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// ln 2 split so that k * kLn2Hi is exact for |k| < 2^11 (its low 11 bits are zero).
constexpr double kLn2Hi = 0x1.62e42fee00000p-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
constexpr double kInvLn2 = 0x1.71547652b82fep0;

// e^r - 1 for |r| <= ln(2)/2, by its Taylor series to r^14 / 14! (the rest is under 1e-19),
// summed as r + r^2 p(r) so that the rounding falls on the smaller part.
double expm1_reduced(double r) {
  // p(r) = 1/2! + r/3! + ... + r^12/14!, by Estrin's scheme (see log_reduced).
  const double r2 = r * r;
  const double r4 = r2 * r2;
  const double r8 = r4 * r4;
  const double q0 = 1.0 / 2 + r * (1.0 / 6);
  const double q1 = 1.0 / 24 + r * (1.0 / 120);
  const double q2 = 1.0 / 720 + r * (1.0 / 5040);
  const double q3 = 1.0 / 40320 + r * (1.0 / 362880);
  const double q4 = 1.0 / 3628800 + r * (1.0 / 39916800);
  const double q5 = 1.0 / 479001600 + r * (1.0 / 6227020800.0);
  const double q6 = 1.0 / 87178291200.0;
  const double p = (q0 + r2 * q1) + r4 * (q2 + r2 * q3) + r8 * ((q4 + r2 * q5) + r4 * q6);
  return r + r2 * p;
}

// log(1 + f) for 1 + f in [sqrt(1/2), sqrt(2)): 2 atanh(s), s = f / (2 + f), |s| <= 0.1716.
// 2 atanh(s) = 2s + 2s(z/3 + z^2/5 + ...), z = s^2 <= 0.0295: terms to z^11 / 23 leave 1e-18.
// The polynomial goes by Estrin's scheme, not Horner's: its products are independent, so the
// CPU overlaps them (a third of Horner's latency; the exponential draw's log is on the hot path).
constexpr double log_reduced(double f) {
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double z2 = z * z;
  const double z4 = z2 * z2;
  const double z8 = z4 * z4;
  const double q0 = 1.0 / 3 + z * (1.0 / 5);
  const double q1 = 1.0 / 7 + z * (1.0 / 9);
  const double q2 = 1.0 / 11 + z * (1.0 / 13);
  const double q3 = 1.0 / 15 + z * (1.0 / 17);
  const double q4 = 1.0 / 19 + z * (1.0 / 21);
  const double q5 = 1.0 / 23;
  const double p = (q0 + z2 * q1) + z4 * (q2 + z2 * q3) + z8 * (q4 + z2 * q5);
  // 2s = f - f^2/2 + s f^2/2 exactly, so log(1 + f) = f - (hf - s (hf + 2 z p)): the leading
  // f is exact and the rounding errors fall on the small correction.
  const double hf = 0.5 * f * f;
  return f - (hf - s * (hf + 2.0 * z * p));
}

}  // namespace

double exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.782712893384) return kInf;
  if (x < -745.1332191019412) return 0.0;
  const double k = std::floor(x * kInvLn2 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  return std::ldexp(1.0 + expm1_reduced(r), static_cast<int>(k));
}

namespace {

// Table-driven: m in [sqrt(1/2), sqrt(2)) is split at the centres c_i = i/128 (i = 91..181),
// m = c_i (1 + r) with r = (m - c_i) / c_i, |r| <= 1/180, and log(m) = log(c_i) + log1p(r).
// m - c_i is exact (Sterbenz); r carries one rounding, which log1p turns into less than
// 2^-61 absolute. log(c_i) is computed at compile time by the series above, with the same IEEE
// operations as at run time, so the table is the same on every machine.
struct LogTable {
  struct Centre {
    double c;      // i / 128
    double inv_c;  // 1 / c
    double log_c;  // log(c)
  };
  Centre at[182] = {};  // one entry's three values share a cache line
  constexpr LogTable() {
    for (int i = 90; i <= 181; ++i) {
      const double c = i / 128.0;
      // log(c) = log(1 + f) with f = c - 1, or log(2c) - ln 2 below sqrt(1/2) ... c >= 90/128.
      at[i] = Centre{c, 1.0 / c, log_reduced(c - 1.0)};
    }
  }
};
constexpr LogTable kLogTable;

// log of a positive normal double's bits, plus `extra_e` to its exponent (for subnormals).
// The reduction is integer arithmetic on the bits: the centre's index, the halving of m at
// sqrt(2) and e's increment come from the mantissa bits without a branch or a conversion
// between double and int (those sat on the latency chain of every exponential draw). The
// values are those of the plain formulas, m *= 0.5 and ++e at m >= sqrt(2), then
// i = (int)(m * 128 + 0.5) and c = i / 128 (exact): the result is the same to the bit.
[[gnu::always_inline]] inline double log_of_normal(std::uint64_t bits, int extra_e) {
  const std::uint64_t mant = bits & 0x000fffffffffffffull;
  // m = 1.mant in [1, 2); at or above sqrt(2) (the double 0x1.6a09e667f3bcdp0) it is halved
  // into [sqrt(1/2), 1) and e goes up by one.
  const std::uint64_t half = mant >= 0x6a09e667f3bcdull ? 1 : 0;
  const int e = static_cast<int>(bits >> 52) - 1023 + extra_e + static_cast<int>(half);
  const double m = std::bit_cast<double>(mant | (0x3ffull - half) << 52);
  // m * 128 + 0.5 truncated: 128 + round(mant / 2^45), or 64 + round(mant / 2^46) when halved
  // (m * 128 is exact and the 0.5 lands on its bits, so this is the same integer).
  const int shift = 45 + static_cast<int>(half);
  const auto i = static_cast<std::size_t>((128u >> half) + ((mant + (std::uint64_t{1} << (shift - 1))) >> shift));
  const LogTable::Centre& t = kLogTable.at[i];
  const double r = (m - t.c) * t.inv_c;
  // log1p(r), |r| <= 1/180: r - r^2/2 + ... + r^7/7 (the rest under 2^-60 relative).
  const double r2 = r * r;
  const double p = (-0.5 + r * (1.0 / 3)) + r2 * ((-0.25 + r * 0.2) + r2 * (-1.0 / 6 + r * (1.0 / 7)));
  const double k = static_cast<double>(e);
  return k * kLn2Hi + (t.log_c + (r + r2 * p) + k * kLn2Lo);
}

}  // namespace

double log(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  // Positive, normal and finite in one unsigned comparison; the rest takes the slow path.
  if (bits - 0x0010000000000000ull < 0x7ff0000000000000ull - 0x0010000000000000ull) {
    return log_of_normal(bits, 0);
  }
  if (x == 0) return -kInf;
  if (!(x > 0) || std::isinf(x)) return x < 0 ? kNaN : x;  // NaN stays NaN, +inf stays +inf
  // Subnormal: scaled into the normal range first (exact).
  return log_of_normal(std::bit_cast<std::uint64_t>(x * 0x1p54), -54);
}

double log1p(double x) {
  if (std::isnan(x)) return x;
  if (x < -1) return kNaN;
  if (x == -1) return -kInf;
  const double u = 1.0 + x;
  if (u == 1.0) return x;
  // log(u) is exact for u; u - 1 is exact too; their ratio corrects for the rounding of 1 + x.
  return log(u) * (x / (u - 1.0));
}

// log(x) / ln 10, except at the exactly representable powers of ten and their reciprocals
// (correctly rounded, as 1e-5 is), where it is the integer itself: the chart axes take
// floor(log10(x)) of round numbers and must land on their decade.
double log10(double x) {
  constexpr double kInvLn10 = 0x1.bcb7b1526e50ep-2;
  if (x >= 1e-22 && x <= 1e22) {
    double p = 1;
    for (int k = 0; k <= 22; ++k, p *= 10) {  // 10^k is exact for k <= 22
      if (x == p) return k;
      if (x == 1 / p) return -k;
    }
  }
  return log(x) * kInvLn10;
}

double pow(double x, double y) {
  if (y == 0) return 1.0;
  if (x == 1.0) return 1.0;
  if (std::isnan(x) || std::isnan(y)) return kNaN;
  if (y == std::floor(y) && std::fabs(y) <= 64) {
    // Small integer powers by squaring: exact where the result is (10^k for k <= 22).
    auto n = static_cast<std::int64_t>(std::fabs(y));
    double result = 1.0, base = x;
    while (n > 0) {
      if (n & 1) result *= base;
      base *= base;
      n >>= 1;
    }
    return y < 0 ? 1.0 / result : result;
  }
  // The special cases as IEEE 754 (and C's pow) define them: PromQL's `^` reaches them.
  if (std::isinf(y)) {
    const double ax = std::fabs(x);
    if (ax == 1.0) return 1.0;
    return (ax < 1.0) == (y > 0) ? 0.0 : kInf;
  }
  if (x < 0 && y == std::floor(y)) {
    // A large integer power of a negative number: odd powers keep the sign.
    const double r = pow(-x, y);
    return std::fmod(y, 2.0) != 0 ? -r : r;
  }
  if (std::isinf(x) && x < 0) return y > 0 ? kInf : 0.0;  // y is no odd integer here
  if (x < 0) return kNaN;  // a non-integer power of a negative number
  if (x == 0) return y > 0 ? 0.0 : kInf;
  return exp(y * log(x));
}

double erfc(double x) {
  if (std::isnan(x)) return x;
  if (x < 0) return 2.0 - erfc(-x);
  if (x > 27.3) return 0.0;  // below the smallest subnormal
  constexpr double kInvSqrtPi = 0.56418958354775628695;
  constexpr double kSeriesUpTo = 1.0;
  if (x < kSeriesUpTo) {
    // erf(x) = 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (1 3 5 ... (2n+1)): positive terms.
    const double x2 = x * x;
    double term = x, sum = x;
    for (int n = 1; n < 200 && term > sum * 1e-17; ++n) {
      term *= 2.0 * x2 / (2.0 * n + 1.0);
      sum += term;
    }
    return 1.0 - 2.0 * kInvSqrtPi * exp(-x2) * sum;
  }
  // The continued fraction x + (1/2)/(x + 1/(x + (3/2)/(x + ...))), from a fixed depth
  // (enough for x >= 2) back up: the same operations on every machine.
  double f = x;
  for (int k = 200; k >= 1; --k) f = x + (0.5 * k) / f;
  return kInvSqrtPi * exp(-x * x) / f;
}

}  // namespace faultline::sim::det
