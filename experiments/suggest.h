// Spelling help for messages: the closest known name to a mistyped one, and a short list of
// the known names.
//
//   closest("failure_treshold", {"failure_threshold", "type"}) == "failure_threshold"
//   known_list({"openai", "postgres"}) == "openai, postgres"
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::experiments {

// The candidate nearest to `word` by edit distance (transpositions count once), if it is
// close enough to be a plausible typo: at most 1 edit for short words, about a third of the
// length for longer ones. Ties go to the earlier candidate.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

// "a, b, c" (at most `max_names`, then ", ... (N in all)").
std::string known_list(const std::vector<std::string>& names, std::size_t max_names = 12);

}  // namespace faultline::experiments
