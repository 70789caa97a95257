#include "sim/distribution.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>

#include "sim/det_math.h"
#include "sim/round_half_away.h"

namespace faultline::sim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kZ99 = 2.3263478740408408;  // standard normal quantile of 0.99

double horner(const double (&c)[8], double x) {
  double v = c[7];
  for (int i = 6; i >= 0; --i) v = v * x + c[i];
  return v;
}

// Standard normal CDF.
double phi_cdf(double x) { return 0.5 * det::erfc(-x / std::sqrt(2.0)); }
double phi_pdf(double x) { return det::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi); }

// Short human form of a parameter: integers without decimals, others with 6 significant digits.
std::string num(double v) {
  char buf[32];
  if (std::isfinite(v) && std::abs(v) < 1e15 && v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  }
  return buf;
}

std::string ms(double v) { return num(v) + "ms"; }

}  // namespace

// Wichura, "Algorithm AS 241: The percentage points of the normal distribution", Applied
// Statistics 37(3), 1988 (PPND16). One uniform in, one normal out, using only log and sqrt:
// unlike Box-Muller there is no cached spare to carry between draws, and it is monotone in p.
double standard_normal_quantile(double p) {
  static constexpr double kA[8] = {3.3871328727963666080e0,  1.3314166789178437745e+2,
                                   1.9715909503065514427e+3, 1.3731693765509461125e+4,
                                   4.5921953931549871457e+4, 6.7265770927008700853e+4,
                                   3.3430575583588128105e+4, 2.5090809287301226727e+3};
  static constexpr double kB[8] = {1.00000000000000000000e0, 4.2313330701600911252e+1,
                                   6.8718700749205790830e+2, 5.3941960214247511077e+3,
                                   2.1213794301586595867e+4, 3.9307895800092710610e+4,
                                   2.8729085735721942674e+4, 5.2264952788528545610e+3};
  static constexpr double kC[8] = {1.42343711074968357734e0,  4.63033784615654529590e0,
                                   5.76949722146069140550e0,  3.64784832476320460504e0,
                                   1.27045825245236838258e0,  2.41780725177450611770e-1,
                                   2.27238449892691845833e-2, 7.74545014278341407640e-4};
  static constexpr double kD[8] = {1.00000000000000000000e0,  2.05319162663775882187e0,
                                   1.67638483018380384940e0,  6.89767334985100004550e-1,
                                   1.48103976427480074590e-1, 1.51986665636164571966e-2,
                                   5.47593808499534494600e-4, 1.05075007164441684324e-9};
  static constexpr double kE[8] = {6.65790464350110377720e0,  5.46378491116411436990e0,
                                   1.78482653991729133580e0,  2.96560571828504891230e-1,
                                   2.65321895265761230930e-2, 1.24266094738807843860e-3,
                                   2.71155556874348757815e-5, 2.01033439929228813265e-7};
  static constexpr double kF[8] = {1.00000000000000000000e0,  5.99832206555887937690e-1,
                                   1.36929880922735805310e-1, 1.48753612908506148525e-2,
                                   7.86869131145613259100e-4, 1.84631831751005468180e-5,
                                   1.42151175831644588870e-7, 2.04426310338993978564e-15};
  if (p <= 0) return -kInf;
  if (p >= 1) return kInf;
  const double q = p - 0.5;
  if (std::abs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q * horner(kA, r) / horner(kB, r);
  }
  double r = std::sqrt(-det::log(q < 0 ? p : 1 - p));
  double v;
  if (r <= 5.0) {
    r -= 1.6;
    v = horner(kC, r) / horner(kD, r);
  } else {
    r -= 5.0;
    v = horner(kE, r) / horner(kF, r);
  }
  return q < 0 ? -v : v;
}

struct Distribution::Samples {
  std::vector<double> q;   // knots of a piecewise-linear quantile function; empty for samples
  std::vector<double> ms;  // values at the knots, or the sorted samples
  double mean = 0;
};

Distribution Distribution::constant(double value_ms) {
  assert(std::isfinite(value_ms) && value_ms >= 0);
  Distribution d;
  d.a_ = value_ms;
  return d;
}

Distribution Distribution::uniform(double min_ms, double max_ms) {
  assert(std::isfinite(max_ms) && min_ms >= 0 && min_ms <= max_ms);
  Distribution d;
  d.kind_ = Kind::kUniform;
  d.a_ = min_ms;
  d.b_ = max_ms;
  return d;
}

Distribution Distribution::exponential(double mean_ms) {
  assert(std::isfinite(mean_ms) && mean_ms >= 0);
  Distribution d;
  d.kind_ = Kind::kExponential;
  d.a_ = mean_ms;
  return d;
}

Distribution Distribution::normal(double mean_ms, double stddev_ms) {
  assert(std::isfinite(mean_ms) && std::isfinite(stddev_ms) && stddev_ms >= 0);
  Distribution d;
  d.kind_ = Kind::kNormal;
  d.a_ = mean_ms;
  d.b_ = stddev_ms;
  return d;
}

Distribution Distribution::lognormal(double mu, double sigma) {
  assert(std::isfinite(mu) && std::isfinite(sigma) && sigma >= 0);
  Distribution d;
  d.kind_ = Kind::kLognormal;
  d.a_ = mu;
  d.b_ = sigma;
  return d;
}

Distribution Distribution::lognormal_from_quantiles(double p50_ms, double p99_ms) {
  assert(p50_ms > 0 && std::isfinite(p99_ms) && p99_ms >= p50_ms);
  Distribution d = lognormal(det::log(p50_ms), det::log(p99_ms / p50_ms) / kZ99);
  d.from_quantiles_ = true;
  return d;
}

Distribution Distribution::pareto(double scale_ms, double shape) {
  assert(std::isfinite(scale_ms) && scale_ms > 0 && std::isfinite(shape) && shape > 0);
  Distribution d;
  d.kind_ = Kind::kPareto;
  d.a_ = scale_ms;
  d.b_ = shape;
  return d;
}

Distribution Distribution::empirical(std::vector<std::pair<double, double>> points) {
  assert(!points.empty());
  auto s = std::make_shared<Samples>();
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto [q, v] = points[i];
    assert(q >= 0 && q <= 1 && v >= 0 && std::isfinite(v));
    assert(i == 0 || (q >= points[i - 1].first && v >= points[i - 1].second));
    s->q.push_back(q);
    s->ms.push_back(v);
  }
  // The integral of the quantile function over [0, 1]: flat ends, trapezoids between knots.
  double mean = s->ms.front() * s->q.front() + s->ms.back() * (1 - s->q.back());
  for (std::size_t i = 1; i < s->q.size(); ++i) {
    mean += (s->q[i] - s->q[i - 1]) * (s->ms[i] + s->ms[i - 1]) / 2;
  }
  s->mean = mean;
  Distribution d;
  d.kind_ = Kind::kEmpirical;
  d.samples_ = std::move(s);
  return d;
}

Distribution Distribution::empirical_samples(std::vector<double> samples_ms) {
  assert(!samples_ms.empty());
  std::sort(samples_ms.begin(), samples_ms.end());
  assert(samples_ms.front() >= 0 && std::isfinite(samples_ms.back()));
  auto s = std::make_shared<Samples>();
  double sum = 0;
  for (const double v : samples_ms) sum += v;
  s->mean = sum / static_cast<double>(samples_ms.size());
  s->ms = std::move(samples_ms);
  Distribution d;
  d.kind_ = Kind::kEmpiricalSamples;
  d.samples_ = std::move(s);
  return d;
}

double Distribution::raw_sample(Rng& rng) const {
  switch (kind_) {
    case Kind::kConstant:
      return a_;
    case Kind::kUniform:
      return a_ + (b_ - a_) * rng.next_double();
    case Kind::kExponential:
      return -a_ * det::log(rng.next_double_open());
    case Kind::kNormal:
      return std::max(0.0, a_ + b_ * standard_normal_quantile(rng.next_double_open()));
    case Kind::kLognormal:
      return det::exp(a_ + b_ * standard_normal_quantile(rng.next_double_open()));
    case Kind::kPareto:
      return a_ * det::pow(rng.next_double_open(), -1.0 / b_);
    case Kind::kEmpirical:
      return raw_quantile(rng.next_double());
    case Kind::kEmpiricalSamples: {
      const std::vector<double>& v = samples_->ms;
      const auto i = static_cast<std::size_t>(rng.next_double() * static_cast<double>(v.size()));
      return v[std::min(i, v.size() - 1)];
    }
  }
  return 0;
}

double Distribution::raw_quantile(double q) const {
  assert(q >= 0 && q <= 1);
  switch (kind_) {
    case Kind::kConstant:
      return a_;
    case Kind::kUniform:
      return a_ + (b_ - a_) * q;
    case Kind::kExponential:
      return -a_ * det::log1p(-q);
    case Kind::kNormal:
      return std::max(0.0, a_ + b_ * standard_normal_quantile(q));
    case Kind::kLognormal:
      return det::exp(a_ + b_ * standard_normal_quantile(q));
    case Kind::kPareto:
      return a_ * det::pow(1 - q, -1.0 / b_);
    case Kind::kEmpirical: {
      const std::vector<double>& qs = samples_->q;
      const std::vector<double>& vs = samples_->ms;
      const auto hi = std::upper_bound(qs.begin(), qs.end(), q);
      if (hi == qs.begin()) return vs.front();
      if (hi == qs.end()) return vs.back();
      const auto j = static_cast<std::size_t>(hi - qs.begin());
      const double t = (q - qs[j - 1]) / (qs[j] - qs[j - 1]);
      return vs[j - 1] + t * (vs[j] - vs[j - 1]);
    }
    case Kind::kEmpiricalSamples: {
      // The smallest sample with at least ceil(q n) samples <= it (the histogram's rule).
      const std::vector<double>& v = samples_->ms;
      const double rank = std::ceil(q * static_cast<double>(v.size()));
      return v[static_cast<std::size_t>(std::max(rank, 1.0)) - 1];
    }
  }
  return 0;
}

double Distribution::sample_ms(Rng& rng) const { return raw_sample(rng) * factor_; }

Duration Distribution::sample(Rng& rng) const {
  const double ns = sample_ms(rng) * 1e6;
  // Written so that NaN also lands on 0.
  if (!(ns > 0)) return Duration::zero();
  if (ns >= static_cast<double>(kMaxSample.count())) return kMaxSample;
  return Duration(round_half_away(ns));
}

double Distribution::quantile_ms(double q) const { return raw_quantile(q) * factor_; }

double Distribution::mean_ms() const {
  double m = 0;
  switch (kind_) {
    case Kind::kConstant:
      m = a_;
      break;
    case Kind::kUniform:
      m = (a_ + b_) / 2;
      break;
    case Kind::kExponential:
      m = a_;
      break;
    case Kind::kNormal:
      // E[max(0, X)] for X ~ N(mu, sd): mu Phi(mu/sd) + sd phi(mu/sd).
      m = b_ == 0 ? std::max(0.0, a_) : a_ * phi_cdf(a_ / b_) + b_ * phi_pdf(a_ / b_);
      break;
    case Kind::kLognormal:
      m = det::exp(a_ + b_ * b_ / 2);
      break;
    case Kind::kPareto:
      m = b_ > 1 ? b_ * a_ / (b_ - 1) : kInf;
      break;
    case Kind::kEmpirical:
    case Kind::kEmpiricalSamples:
      m = samples_->mean;
      break;
  }
  return m * factor_;
}

Distribution Distribution::scaled(double factor) const {
  assert(std::isfinite(factor) && factor >= 0);
  Distribution d = *this;
  d.factor_ *= factor;
  return d;
}

std::string Distribution::describe() const {
  std::string s;
  switch (kind_) {
    case Kind::kConstant:
      s = "constant(" + ms(a_) + ")";
      break;
    case Kind::kUniform:
      s = "uniform(min=" + ms(a_) + ", max=" + ms(b_) + ")";
      break;
    case Kind::kExponential:
      s = "exponential(mean=" + ms(a_) + ")";
      break;
    case Kind::kNormal:
      s = "normal(mean=" + ms(a_) + ", stddev=" + ms(b_) + ")";
      break;
    case Kind::kLognormal:
      s = from_quantiles_ ? "lognormal(p50=" + ms(raw_quantile(0.5)) +
                                ", p99=" + ms(det::exp(a_ + b_ * kZ99)) + ")"
                          : "lognormal(mu=" + num(a_) + ", sigma=" + num(b_) + ")";
      break;
    case Kind::kPareto:
      s = "pareto(scale=" + ms(a_) + ", shape=" + num(b_) + ")";
      break;
    case Kind::kEmpirical:
      s = "empirical(" + std::to_string(samples_->q.size()) +
          " points, p50=" + ms(raw_quantile(0.5)) + ", p99=" + ms(raw_quantile(0.99)) + ")";
      break;
    case Kind::kEmpiricalSamples:
      s = "empirical(" + std::to_string(samples_->ms.size()) +
          " samples, p50=" + ms(raw_quantile(0.5)) + ", p99=" + ms(raw_quantile(0.99)) + ")";
      break;
  }
  if (factor_ != 1) s += " x" + num(factor_);
  return s;
}

}  // namespace faultline::sim
