#include "monitoring/alerts.h"
#include "monitoring/junit_writer.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/metrics.h"

namespace faultline::monitoring {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at text[i], or 0 when it is not one (bad lead byte,
// truncated, overlong, surrogate, above U+10FFFF, or U+FFFE/U+FFFF, which XML forbids).
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
    cp = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    cp = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    cp = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  if (overlong || surrogate || cp > 0x10FFFF || cp == 0xFFFE || cp == 0xFFFF) return 0;
  return len;
}

std::string attr(std::string_view name, std::string_view value) {
  return fmt::format(" {}=\"{}\"", name, xml_escape(value));
}

struct Case {
  std::string name;
  std::string classname;
  bool failed = false;
  std::string message;  // failure message (one line)
  std::string output;   // system-out
};

std::string sli_line(const SliResult& s) {
  std::string line = fmt::format("{} {:.3f} {}", s.name, s.current, s.unit);
  if (s.target) line += fmt::format(", target {:.3f} {}", *s.target, s.unit);
  return line + fmt::format(", {}, trend {}", to_string(s.status), to_string(s.trend));
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += static_cast<char>(c);
          break;
      }
      ++i;
      continue;
    }
    const std::size_t len = utf8_sequence(text, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string junit_xml(const RunOutcome& run, const Evaluation& evaluation) {
  const experiments::Experiment& e = *run.experiment;
  const sim::Metrics::Totals& totals = run.metrics->totals();
  // Requests that got no answer the client could use are part of availability and the error
  // rate: a CI reader sees how many beside those SLIs.
  const std::string no_answer =
      totals.client_timeouts + totals.unanswered == 0
          ? std::string()
          : fmt::format("\nno answer: {} client timeouts (499) and {} unanswered at the end of the drain (0), of {} requests, counted as failed",
                        totals.client_timeouts, totals.unanswered, totals.total);
  const auto with_no_answer = [&](const std::string& sli, std::string output) {
    if (sli == "availability" || sli == "error_rate") output += no_answer;
    return output;
  };
  std::vector<Case> cases;
  for (const CheckResult& c : evaluation.checks) {
    const bool slo = !c.sli.empty();
    std::string output = c.detail;
    if (!c.pointer.empty()) output += fmt::format("\nexpect item: {}", c.pointer);
    if (slo) {
      for (const SliResult& s : evaluation.slis) {
        if (s.name == c.sli) output += "\n" + sli_line(s);
      }
      output = with_no_answer(c.sli, std::move(output));
    }
    cases.push_back(Case{c.name, e.name + (slo ? ".slo" : ".expect"), !c.passed, c.detail, std::move(output)});
  }
  for (const SliResult& s : evaluation.slis) {
    const bool gated = std::any_of(evaluation.checks.begin(), evaluation.checks.end(),
                                   [&](const CheckResult& c) { return c.sli == s.name; });
    if (gated) continue;
    std::string output = with_no_answer(s.name, sli_line(s));
    if (s.target && !e.slo.gate) output += "\nnot gated: slo.gate is false";
    cases.push_back(Case{"sli " + s.name, e.name + ".slo", false, "", std::move(output)});
  }
  // Each Prometheus rule's alerts as one passing case: a CI reader sees when they paged.
  std::vector<std::string> rule_names;
  for (const AlertEvent& a : evaluation.alerts) {
    if (!a.source.empty() && std::find(rule_names.begin(), rule_names.end(), a.name) == rule_names.end()) {
      rule_names.push_back(a.name);
    }
  }
  for (const std::string& name : rule_names) {
    std::string output;
    for (const AlertEvent& a : evaluation.alerts) {
      if (a.source.empty() || a.name != name) continue;
      if (!output.empty()) output += "\n";
      output += fmt::format("{} [{}] pending {} s, {}, {} ({})", alert_display_name(a), a.severity.empty() ? "-" : a.severity,
                            a.pending_at_s, a.fired ? fmt::format("fired {} s", a.fired_at_s) : std::string("never fired"),
                            a.resolved_at_s ? fmt::format("{} {} s", a.fired ? "resolved" : "dropped", *a.resolved_at_s)
                                            : std::string(a.fired ? "still firing at the end" : "still pending at the end"),
                            a.rule);
    }
    cases.push_back(Case{"prometheus alert " + name, e.name + ".prometheus", false, "", std::move(output)});
  }
  const auto failures = std::count_if(cases.begin(), cases.end(), [](const Case& c) { return c.failed; });

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites{}{}{}{}{}>\n", attr("name", "faultline"), attr("tests", std::to_string(cases.size())),
                     attr("failures", std::to_string(failures)), attr("errors", "0"), attr("time", "0"));
  out += fmt::format("  <testsuite{}{}{}{}{}{}>\n", attr("name", e.name), attr("tests", std::to_string(cases.size())),
                     attr("failures", std::to_string(failures)), attr("errors", "0"), attr("skipped", "0"),
                     attr("time", "0"));
  out += "    <properties>\n";
  out += fmt::format("      <property{}{}/>\n", attr("name", "seed"), attr("value", std::to_string(e.seed)));
  out += fmt::format("      <property{}{}/>\n", attr("name", "file"), attr("value", e.file));
  out += fmt::format("      <property{}{}/>\n", attr("name", "duration_s"),
                     attr("value", fmt::format("{:.3f}", to_seconds(e.duration))));
  out += fmt::format("      <property{}{}/>\n", attr("name", "requests"), attr("value", std::to_string(totals.total)));
  out += fmt::format("      <property{}{}/>\n", attr("name", "client_timeouts"),
                     attr("value", std::to_string(totals.client_timeouts)));
  out += fmt::format("      <property{}{}/>\n", attr("name", "unanswered"),
                     attr("value", std::to_string(totals.unanswered)));
  out += "    </properties>\n";
  for (const Case& c : cases) {
    out += fmt::format("    <testcase{}{}{}>\n", attr("name", c.name), attr("classname", c.classname), attr("time", "0"));
    if (c.failed) {
      out += fmt::format("      <failure{}{}>{}</failure>\n", attr("message", c.message), attr("type", "check"),
                         xml_escape(fmt::format("{}\nreproduce with seed {}", c.output, e.seed)));
    }
    out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(c.output));
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace faultline::monitoring
