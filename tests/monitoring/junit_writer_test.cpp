#include "monitoring/junit_writer.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

#include <gtest/gtest.h>

#include "sim/status.h"

#include "monitoring/evaluate.h"
#include "scripted_run.h"

namespace faultline::monitoring {
namespace {

using std::chrono::seconds;
using testing::ScriptedRun;
using testing::Second;

// A small XML 1.0 well-formedness reader: elements nest and match, attributes are quoted,
// text and attribute values hold no raw '<' and only the five entities or character
// references. Returns the elements in document order, or an error.
struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;  // as written (escaped)
  std::string text;                               // direct text, escaped
  int depth = 0;
};

struct XmlReader {
  std::string s;
  std::size_t i = 0;
  std::string error{};
  std::vector<Element> elements{};

  bool fail(std::string why) {
    error = why + " at offset " + std::to_string(i);
    return false;
  }
  bool entity() {  // at '&'
    static const char* kNames[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (const char* n : kNames) {
      if (s.compare(i, std::strlen(n), n) == 0) {
        i += std::strlen(n);
        return true;
      }
    }
    if (s.compare(i, 2, "&#") == 0) {
      const std::size_t end = s.find(';', i);
      if (end == std::string_view::npos) return fail("bad character reference");
      i = end + 1;
      return true;
    }
    return fail("bad entity");
  }
  std::string name() {
    const std::size_t start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '-' ||
                            s[i] == '.' || s[i] == ':')) {
      ++i;
    }
    return s.substr(start, i - start);
  }
  void spaces() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  bool parse() {
    if (s.rfind("<?xml", 0) == 0) i = s.find("?>") + 2;
    std::vector<std::size_t> open;
    int roots = 0;
    while (i < s.size()) {
      if (s[i] == '<' && i + 1 < s.size() && s[i + 1] == '/') {
        i += 2;
        const std::string n = name();
        spaces();
        if (open.empty() || elements[open.back()].name != n) return fail("mismatched </" + n + ">");
        if (i >= s.size() || s[i] != '>') return fail("bad closing tag");
        ++i;
        open.pop_back();
      } else if (s[i] == '<') {
        ++i;
        Element e;
        e.name = name();
        e.depth = static_cast<int>(open.size());
        if (e.name.empty()) return fail("empty element name");
        if (open.empty() && ++roots > 1) return fail("two roots");
        for (;;) {
          spaces();
          if (i >= s.size()) return fail("unterminated tag");
          if (s[i] == '>' || s[i] == '/') break;
          const std::string a = name();
          if (a.empty() || i >= s.size() || s[i] != '=') return fail("bad attribute");
          ++i;
          const char q = s[i++];
          if (q != '"' && q != '\'') return fail("unquoted attribute");
          const std::size_t start = i;
          while (i < s.size() && s[i] != q) {
            if (s[i] == '<') return fail("'<' in attribute");
            if (s[i] == '&') {
              if (!entity()) return false;
            } else {
              ++i;
            }
          }
          if (e.attributes.count(a)) return fail("duplicate attribute");
          e.attributes[a] = s.substr(start, i - start);
          ++i;
        }
        const bool empty = s[i] == '/';
        i += empty ? 2 : 1;
        elements.push_back(e);
        if (!empty) open.push_back(elements.size() - 1);
      } else {
        const std::size_t start = i;
        while (i < s.size() && s[i] != '<') {
          if (s[i] == '&') {
            if (!entity()) return false;
          } else {
            ++i;
          }
        }
        const std::string_view text = std::string_view(s).substr(start, i - start);
        if (open.empty()) {
          if (text.find_first_not_of(" \n\r\t") != std::string_view::npos) return fail("text outside the root");
        } else {
          elements[open.back()].text += text;
        }
      }
    }
    if (!open.empty()) return fail("unclosed <" + elements[open.back()].name + ">");
    return roots == 1 || fail("no root");
  }
};

class JunitTest : public ::testing::Test {
 protected:
  JunitTest() {
    auto e = testing::basic_experiment(seconds(20));
    e.name = "ai-outage";
    e.file = "experiments/a&b <x>.json";
    e.breakers["content-generation"] = testing::breaker("content-generation", "ai_service");
    e.slo.availability = 99.9;
    e.slo.latency_p95_ms = 500;
    experiments::Expectation never;
    never.kind = experiments::ExpectKind::kNeverOpens;
    never.breaker = "content-generation";
    never.pointer = "/expect/0";
    experiments::Expectation sli;
    sli.kind = experiments::ExpectKind::kSli;
    sli.sli = "availability";
    sli.at_least = 50;
    e.expect = {never, sli};
    run_ = std::make_unique<ScriptedRun>(e);
    run_->seconds(20, Second{.ok = 90, .failed = 10, .latency = millis(40)});
    run_->metrics().breakers()[0].transitions = {testing::transition(3, "CLOSED", "OPEN", "5 \"consecutive\" <failures> & more")};
  }
  std::string xml() {
    const RunOutcome o = run_->outcome();
    return junit_xml(o, evaluate(o));
  }
  std::unique_ptr<ScriptedRun> run_;
};

TEST_F(JunitTest, WellFormedClassicSchema) {
  XmlReader r{xml()};
  ASSERT_TRUE(r.parse()) << r.error;
  ASSERT_FALSE(r.elements.empty());
  EXPECT_EQ(r.elements[0].name, "testsuites");
  EXPECT_EQ(r.elements[1].name, "testsuite");
  EXPECT_EQ(r.elements[1].attributes["name"], "ai-outage");
  int cases = 0, failures = 0;
  std::vector<std::string> names;
  for (const Element& e : r.elements) {
    if (e.name == "testcase") {
      ++cases;
      EXPECT_EQ(e.depth, 2);
      names.push_back(e.attributes.at("name"));
    }
    if (e.name == "failure") ++failures;
    if (e.name == "property" && e.attributes.at("name") == "seed") {
      EXPECT_EQ(e.attributes.at("value"), "42");
    }
    if (e.name == "property" && e.attributes.at("name") == "file") {
      EXPECT_EQ(e.attributes.at("value"), "experiments/a&amp;b &lt;x&gt;.json");
    }
  }
  // never_opens (fails), sli availability (passes), slo availability (90 %: fails),
  // slo latency_p95 (passes), then SLIs without a gate check: latency_p99, error_rate, throughput.
  EXPECT_EQ(names, (std::vector<std::string>{"breaker content-generation never opens", "sli availability at least 50",
                                             "slo availability", "slo latency_p95", "sli latency_p99",
                                             "sli error_rate", "sli throughput"}));
  EXPECT_EQ(cases, 7);
  EXPECT_EQ(failures, 2);
  EXPECT_EQ(r.elements[0].attributes["tests"], "7");
  EXPECT_EQ(r.elements[0].attributes["failures"], "2");
  EXPECT_EQ(r.elements[1].attributes["failures"], "2");
}

TEST_F(JunitTest, CountsRequestsWithoutAnAnswerBesideAvailability) {
  run_->seconds(1, Second{.ok = 0, .failed = 7, .status = sim::kStatusClientTimeout});
  const std::string text = xml();
  EXPECT_NE(text.find("<property name=\"client_timeouts\" value=\"7\"/>"), std::string::npos) << text;
  EXPECT_NE(text.find("<property name=\"unanswered\" value=\"0\"/>"), std::string::npos);
  EXPECT_NE(text.find("<property name=\"requests\" value=\"2007\"/>"), std::string::npos);
  // Under the availability gate's test case, in its failure text and output.
  const auto at = text.find("name=\"slo availability\"");
  ASSERT_NE(at, std::string::npos);
  const auto end = text.find("</testcase>", at);
  EXPECT_NE(text.substr(at, end - at).find("no answer: 7 client timeouts (499) and 0 unanswered"), std::string::npos)
      << text.substr(at, end - at);
}

TEST_F(JunitTest, FailureCarriesTheDetail) {
  XmlReader r{xml()};
  ASSERT_TRUE(r.parse()) << r.error;
  const auto it = std::find_if(r.elements.begin(), r.elements.end(), [](const Element& e) { return e.name == "failure"; });
  ASSERT_NE(it, r.elements.end());
  EXPECT_EQ(it->attributes.at("message"), "opened 1 time, first at 3.000 s");
  EXPECT_NE(it->text.find("reproduce with seed 42"), std::string::npos);
}

TEST(XmlEscape, EntitiesControlsAndUtf8) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_escape(std::string("x\x01y\tz\n", 6)), "xy\tz\n");
  EXPECT_EQ(xml_escape("caf\xC3\xA9 \xE2\x9C\x85"), "caf\xC3\xA9 \xE2\x9C\x85");  // é and ✅ kept
  EXPECT_EQ(xml_escape("bad \xC3 end"), "bad \xEF\xBF\xBD end");                  // truncated sequence
  EXPECT_EQ(xml_escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(xml_escape("\xEF\xBF\xBF"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFF
}

TEST(XmlReaderSelfTest, RejectsBrokenDocuments) {
  for (const char* bad : {"<a><b></a></b>", "<a x=1/>", "<a>&nope;</a>", "<a></a><b/>", "<a>x < y</a>", "<a>"}) {
    XmlReader r{bad};
    EXPECT_FALSE(r.parse()) << bad;
  }
  XmlReader ok{"<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t &amp; u</a>\n"};
  EXPECT_TRUE(ok.parse()) << ok.error;
}

}  // namespace
}  // namespace faultline::monitoring
