#include "explore/explore_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace faultline::explore {

using nlohmann::json;

namespace {

// Records every choice the wrapped chooser makes.
class RecordingChooser final : public experiments::TemplateChooser {
 public:
  RecordingChooser(experiments::TemplateChooser& inner, std::vector<Choice>* out)
      : inner_(inner), out_(out) {}
  std::size_t pick(std::size_t count) override {
    const std::size_t v = inner_.pick(count);
    out_->push_back({true, count, 0, 0, false, static_cast<double>(v)});
    return v;
  }
  double draw(double min, double max, bool integer) override {
    const double v = inner_.draw(min, max, integer);
    out_->push_back({false, 0, min, max, integer, v});
    return v;
  }

 private:
  experiments::TemplateChooser& inner_;
  std::vector<Choice>* out_;
};

// Whole thousandths (or a whole number) inside [min, max]: what RngChooser draws.
double settle(double v, double min, double max, bool integer) {
  v = std::clamp(v, min, max);
  if (integer) {
    const double r = std::round(v);
    return r < min ? std::ceil(min) : r > max ? std::floor(max) : r;
  }
  const double r = std::round(v * 1000) / 1000;
  if (r < min) return std::min(max, std::ceil(min * 1000 - 1e-9) / 1000);
  if (r > max) return std::max(min, std::floor(max * 1000 + 1e-9) / 1000);
  return r;
}

// Replays recorded choices in order; where the template now asks something else (a changed
// kind takes other keys), the pick's first value or the range's low end.
class ReplayChooser final : public experiments::TemplateChooser {
 public:
  explicit ReplayChooser(const std::vector<Choice>& given) : given_(given) {}
  std::size_t pick(std::size_t count) override {
    std::size_t v = 0;
    if (next_ < given_.size() && given_[next_].pick)
      v = std::min(static_cast<std::size_t>(given_[next_].value), count == 0 ? 0 : count - 1);
    ++next_;
    settled_.push_back({true, count, 0, 0, false, static_cast<double>(v)});
    return v;
  }
  double draw(double min, double max, bool integer) override {
    double v = min;
    if (next_ < given_.size() && !given_[next_].pick)
      v = settle(given_[next_].value, min, max, integer);
    ++next_;
    settled_.push_back({false, 0, min, max, integer, v});
    return v;
  }
  std::vector<Choice> settled() && { return std::move(settled_); }

 private:
  const std::vector<Choice>& given_;
  std::size_t next_ = 0;
  std::vector<Choice> settled_;
};

Gene random_gene(const FaultSpace& space, experiments::RngChooser& chooser) {
  Gene g;
  g.tmpl = chooser.pick(space.templates.size());
  RecordingChooser recorder(chooser, &g.choices);
  experiments::instantiate_fault(space.templates.at(g.tmpl), recorder);
  return g;
}

// draw_schedule()'s draws, in its order: the count, then each fault's template and values.
Genome draw_with(const FaultSpace& space, experiments::RngChooser& chooser) {
  const auto count = chooser.rng().next_below(static_cast<std::uint64_t>(space.max_faults) + 1);
  Genome genome;
  for (std::uint64_t k = 0; k < count; ++k) genome.push_back(random_gene(space, chooser));
  return genome;
}

// One move away from `genome`: mostly one choice (a range value stepped by up to `step` of its
// width, or set to an end; another kind or target), sometimes a fault added, dropped or
// redrawn.
Genome neighbour(const FaultSpace& space, const Genome& genome, double step, sim::Rng& rng) {
  Genome n = genome;
  std::vector<std::pair<std::size_t, std::size_t>> movable;
  for (std::size_t f = 0; f < n.size(); ++f) {
    for (std::size_t k = 0; k < n[f].choices.size(); ++k) {
      const Choice& c = n[f].choices[k];
      if ((c.pick && c.count > 1) || (!c.pick && c.max > c.min)) movable.emplace_back(f, k);
    }
  }
  if (movable.empty() || rng.next_double() < 0.2) {
    enum Op { kAdd, kDrop, kRedraw };
    std::vector<Op> ops;
    if (std::ssize(n) < space.max_faults) ops.push_back(kAdd);
    if (!n.empty()) {
      ops.push_back(kDrop);
      ops.push_back(kRedraw);
    }
    const Op op = ops[rng.next_below(ops.size())];
    experiments::RngChooser chooser(rng);
    if (op == kAdd) {
      n.push_back(random_gene(space, chooser));
    } else {
      const auto at = static_cast<std::ptrdiff_t>(chooser.rng().next_below(n.size()));
      if (op == kDrop) {
        n.erase(n.begin() + at);
      } else {
        n[static_cast<std::size_t>(at)] = random_gene(space, chooser);
      }
    }
    rng = chooser.rng();
    return n;
  }
  const auto [f, k] = movable[rng.next_below(movable.size())];
  Choice& c = n[f].choices[k];
  if (c.pick) {
    c.value = static_cast<double>(
        (static_cast<std::size_t>(c.value) + 1 + rng.next_below(c.count - 1)) % c.count);
  } else if (rng.next_double() < 0.25) {
    c.value = rng.next_below(2) == 0 ? c.min : c.max;
  } else {
    const double delta = step * (c.max - c.min) * (0.5 + 0.5 * rng.next_double());
    c.value = settle(c.value + (rng.next_below(2) == 0 ? -delta : delta), c.min, c.max, c.integer);
  }
  return n;
}

struct Climber {
  Genome genome;
  double value = 0;
  double step = 0.5;
  bool restart = false;
};

constexpr double kSmallestStep = 1.0 / 32;

}  // namespace

Genome draw_genome(const FaultSpace& space, std::size_t index) {
  experiments::RngChooser chooser(sim::make_stream(space.seed, fmt::format("explore/{}", index)));
  return draw_with(space, chooser);
}

Genome random_genome(const FaultSpace& space, sim::Rng& rng) {
  experiments::RngChooser chooser(rng);
  Genome g = draw_with(space, chooser);
  rng = chooser.rng();
  return g;
}

json faults_of(const FaultSpace& space, Genome* genome) {
  json faults = json::array();
  for (Gene& g : *genome) {
    ReplayChooser replay(g.choices);
    faults.push_back(experiments::instantiate_fault(space.templates.at(g.tmpl), replay));
    g.choices = std::move(replay).settled();
  }
  return faults;
}

std::optional<SearchOutcome> adversarial_search(
    const FaultSpace& space, const batch::Objective& objective,
    const std::vector<std::pair<std::size_t, double>>& starts, const SearchOptions& options,
    const EvaluateFn& evaluate) {
  SearchOutcome outcome;
  // The starts: the random schedules worst for the system first (plan order among equals).
  std::vector<std::pair<std::size_t, double>> ranked = starts;
  std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    return batch::better(objective, a.second, b.second);
  });
  std::map<std::string, double> seen;  // schedules evaluated, by their faults' text
  std::vector<Climber> climbers;
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    Genome g = draw_genome(space, ranked[i].first);
    seen.emplace(faults_of(space, &g).dump(), ranked[i].second);
    if (std::ssize(climbers) < std::max(1, options.restarts))
      climbers.push_back({std::move(g), ranked[i].second});
  }
  if (climbers.empty()) return outcome;
  double worst = ranked.front().second;
  outcome.worst_by_round.push_back(worst);

  struct Candidate {
    std::size_t climber;
    Genome genome;
    json faults;
  };
  while (outcome.tried.size() < options.runs) {
    std::vector<Candidate> candidates;
    std::map<std::string, bool> proposed;
    for (std::size_t c = 0; c < climbers.size(); ++c) {
      sim::Rng rng =
          sim::make_stream(space.seed, fmt::format("explore/search/{}/{}", outcome.rounds, c));
      for (int k = 0; k < options.neighbors; ++k) {
        if (outcome.tried.size() + candidates.size() >= options.runs) break;
        // A schedule already tried costs nothing and teaches nothing: up to 4 draws for a new one.
        for (int attempt = 0; attempt < 4; ++attempt) {
          Genome n = climbers[c].restart
                         ? random_genome(space, rng)
                         : neighbour(space, climbers[c].genome, climbers[c].step, rng);
          json faults = faults_of(space, &n);
          std::string key = faults.dump();
          if (seen.count(key) != 0 || !proposed.emplace(std::move(key), true).second) continue;
          candidates.push_back({c, std::move(n), std::move(faults)});
          break;
        }
      }
    }
    if (candidates.empty()) break;  // every neighbourhood tried: the space is that small
    std::vector<json> schedules;
    for (const Candidate& k : candidates) schedules.push_back(k.faults);
    const std::optional<std::vector<double>> values = evaluate(schedules, outcome.tried.size());
    if (!values) return std::nullopt;
    std::vector<std::optional<std::size_t>> best(climbers.size());  // index in candidates
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const double v = (*values)[i];
      seen.emplace(candidates[i].faults.dump(), v);
      if (!outcome.worst || batch::better(objective, v, outcome.tried[*outcome.worst].value))
        outcome.worst = outcome.tried.size();
      outcome.tried.push_back(
          {candidates[i].faults, v, outcome.rounds, static_cast<int>(candidates[i].climber)});
      std::optional<std::size_t>& b = best[candidates[i].climber];
      if (!b || batch::better(objective, v, (*values)[*b])) b = i;
      if (batch::better(objective, v, worst)) worst = v;
    }
    for (std::size_t c = 0; c < climbers.size(); ++c) {
      Climber& climber = climbers[c];
      const std::optional<std::size_t>& b = best[c];
      if (climber.restart) {
        if (b) climber = {std::move(candidates[*b].genome), (*values)[*b]};
      } else if (b && batch::better(objective, (*values)[*b], climber.value)) {
        climber.genome = std::move(candidates[*b].genome);
        climber.value = (*values)[*b];
      } else if ((climber.step /= 2) < kSmallestStep) {
        climber.restart = true;
        ++outcome.restarts_done;
      }
    }
    outcome.worst_by_round.push_back(worst);
    ++outcome.rounds;
  }
  return outcome;
}

}  // namespace faultline::explore
