// Distribution: a latency (or think-time) distribution in milliseconds, as written in
// experiment files, drawn from an Rng as an integer-nanosecond Duration.
//
//   Distribution d = Distribution::lognormal_from_quantiles(1200, 6000);
//   Duration latency = d.sample(rng);   // d.describe() == "lognormal(p50=1200ms, p99=6000ms)"
//
// A cheap-to-copy value type without virtual calls (empirical data is shared, immutable).
// Immutable after construction, so a Distribution may be shared; each Rng may not.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "resilience/clock.h"
#include "sim/rng.h"

namespace faultline::sim {

class Distribution {
 public:
  enum class Kind : std::uint8_t {
    kConstant,
    kUniform,
    kExponential,
    kNormal,
    kLognormal,
    kPareto,
    kEmpirical,         // piecewise-linear quantile function through (quantile, ms) points
    kEmpiricalSamples,  // the sorted samples of a CSV file as a step quantile function
  };

  // Parameters are checked by the experiment loader; here a violation asserts.
  static Distribution constant(double value_ms);
  static Distribution uniform(double min_ms, double max_ms);
  static Distribution exponential(double mean_ms);
  // Draws below 0 become 0 (censored, not re-drawn): mean_ms() accounts for the cut.
  static Distribution normal(double mean_ms, double stddev_ms);
  // ln(ms) ~ N(mu, sigma).
  static Distribution lognormal(double mu, double sigma);
  // mu = ln p50, sigma = ln(p99 / p50) / z(0.99).
  static Distribution lognormal_from_quantiles(double p50_ms, double p99_ms);
  // P(X > x) = (scale / x)^shape for x >= scale.
  static Distribution pareto(double scale_ms, double shape);
  // (quantile in [0, 1], ms) points with both coordinates non-decreasing; quantiles below the
  // first point or above the last take that point's value.
  static Distribution empirical(std::vector<std::pair<double, double>> points);
  // Resamples the given values (any order; at least one): each is drawn with probability 1/n.
  static Distribution empirical_samples(std::vector<double> samples_ms);

  // Constant 0 ms.
  Distribution() = default;

  // One draw in ms, never negative. Consumes one Rng draw (none for a constant).
  double sample_ms(Rng& rng) const;
  // One draw rounded to the nearest ns, clamped to [0, kMaxSample].
  Duration sample(Rng& rng) const;
  // The exact mean (infinite for a Pareto with shape <= 1).
  double mean_ms() const;
  // The q-quantile in ms, q in [0, 1]; closed form for every kind.
  double quantile_ms(double q) const;

  Kind kind() const { return kind_; }
  // Whether two draws practically never coincide to the nanosecond: a distribution without
  // atoms above 0. The empirical kinds may have atoms (repeated samples, flat segments, the
  // ends), so they are not continuous here. Lets a model tell the event loop that a delay
  // will not recur (EventLoop::schedule_drawn_after).
  bool continuous() const {
    return kind_ == Kind::kUniform || kind_ == Kind::kExponential || kind_ == Kind::kNormal ||
           kind_ == Kind::kLognormal || kind_ == Kind::kPareto;
  }
  // The parameters as written, e.g. "lognormal(p50=1200ms, p99=6000ms)" or "exponential(mean=5ms)
  // x3".
  std::string describe() const;

  // The same distribution with every draw multiplied by `factor` (> 0): slowdown faults.
  Distribution scaled(double factor) const;

  // Draws are clamped here (about 11.6 days) so that a heavy tail cannot overflow an Instant.
  static constexpr Duration kMaxSample = Duration(1'000'000'000'000'000);

 private:
  struct Samples;  // empirical data, shared between copies

  double raw_sample(Rng& rng) const;
  double raw_quantile(double q) const;

  Kind kind_ = Kind::kConstant;
  bool from_quantiles_ = false;  // lognormal: describe as p50/p99
  double a_ = 0;                 // constant value, min, mean, mu or scale
  double b_ = 0;                 // max, stddev, sigma or shape
  double factor_ = 1;            // from scaled()
  std::shared_ptr<const Samples> samples_;
};

// The standard normal quantile function (Wichura's AS241, relative error about 1e-16).
// 0 and 1 give -inf and +inf.
double standard_normal_quantile(double p);

}  // namespace faultline::sim
