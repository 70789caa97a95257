#include "monitoring/promql_parser.h"

#include <fmt/format.h>

#include <regex>
#include <set>

#include "monitoring/promql_lexer.h"

namespace faultline::monitoring::promql {

struct CompiledRegex {
  std::regex re;
};

namespace {

// Thrown inside the parser only, caught by parse_promql: the error unwinds a deep recursion.
struct Failure {
  std::string message;
  std::size_t offset;
};

const std::set<std::string>& unsupported_aggregations() {
  static const std::set<std::string> k = {"topk", "bottomk", "quantile", "count_values", "stddev",
                                          "stdvar", "group", "limitk", "limit_ratio"};
  return k;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  ExprPtr parse() {
    ExprPtr e = binary(0);
    if (peek().kind != Token::Kind::kEnd) fail(peek(), fmt::format("unexpected \"{}\"", peek().text));
    if (e->type == ValueType::kMatrix) fail_at(e->offset, "a range vector as the expression's result");
    return e;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
  const Token& next() { return t_[std::min(i_++, t_.size() - 1)]; }
  bool is(std::string_view text, std::size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return (t.kind == Token::Kind::kPunct || t.kind == Token::Kind::kOperator || t.kind == Token::Kind::kIdentifier) &&
           t.text == text;
  }
  [[noreturn]] void fail(const Token& t, std::string message) { throw Failure{std::move(message), t.offset}; }
  [[noreturn]] void fail_at(std::size_t offset, std::string message) { throw Failure{std::move(message), offset}; }
  void expect(std::string_view text) {
    if (!is(text)) fail(peek(), fmt::format("expected \"{}\", found \"{}\"", text, peek().kind == Token::Kind::kEnd ? "end of expression" : peek().text));
    ++i_;
  }

  // Binary operators by precedence, lowest first; ^ is right-associative.
  static int precedence(const Token& t) {
    if (t.kind == Token::Kind::kIdentifier) {
      if (t.text == "or") return 1;
      if (t.text == "and" || t.text == "unless") return 2;
      return -1;
    }
    if (t.kind != Token::Kind::kOperator) return -1;
    const std::string& s = t.text;
    if (s == "==" || s == "!=" || s == ">" || s == "<" || s == ">=" || s == "<=") return 3;
    if (s == "+" || s == "-") return 4;
    if (s == "*" || s == "/" || s == "%") return 5;
    if (s == "^") return 6;
    return -1;
  }
  static BinaryOp op_of(const std::string& s) {
    static const std::pair<const char*, BinaryOp> k[] = {
        {"or", BinaryOp::kOr}, {"and", BinaryOp::kAnd}, {"unless", BinaryOp::kUnless}, {"==", BinaryOp::kEq},
        {"!=", BinaryOp::kNe}, {">", BinaryOp::kGt},    {"<", BinaryOp::kLt},          {">=", BinaryOp::kGe},
        {"<=", BinaryOp::kLe}, {"+", BinaryOp::kAdd},   {"-", BinaryOp::kSub},         {"*", BinaryOp::kMul},
        {"/", BinaryOp::kDiv}, {"%", BinaryOp::kMod},   {"^", BinaryOp::kPow}};
    for (const auto& [text, op] : k) {
      if (s == text) return op;
    }
    return BinaryOp::kAdd;
  }

  ExprPtr binary(int min_prec) {
    ExprPtr lhs = unary();
    for (;;) {
      const Token& t = peek();
      const int prec = precedence(t);
      if (prec < 0 || prec < min_prec) return lhs;
      next();
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kBinary;
      e->offset = t.offset;
      e->op = op_of(t.text);
      if (is("bool")) {
        if (!is_comparison(e->op)) fail(peek(), "bool after a non-comparison operator");
        next();
        e->return_bool = true;
      }
      if (is("on") || is("ignoring")) {
        e->on = next().text == "on";
        e->grouping = label_list();
        e->grouping_written = true;
      }
      if (is("group_left") || is("group_right")) fail(peek(), fmt::format("{} (many-to-one matching)", peek().text));
      ExprPtr rhs = binary(e->op == BinaryOp::kPow ? prec : prec + 1);
      type_binary(*e, *lhs, *rhs);
      e->args.push_back(std::move(lhs));
      e->args.push_back(std::move(rhs));
      lhs = std::move(e);
    }
  }

  void type_binary(Expr& e, const Expr& lhs, const Expr& rhs) {
    for (const Expr* side : {&lhs, &rhs}) {
      if (side->type == ValueType::kMatrix) fail_at(side->offset, "a range vector as an operand (only rate(), increase() and irate() take one)");
    }
    const bool scalars = lhs.type == ValueType::kScalar && rhs.type == ValueType::kScalar;
    if (is_set_operator(e.op) && (lhs.type != ValueType::kVector || rhs.type != ValueType::kVector)) {
      fail_at(e.offset, fmt::format("set operator \"{}\" between a scalar and a vector", to_string(e.op)));
    }
    if (is_comparison(e.op) && scalars && !e.return_bool) {
      fail_at(e.offset, "comparison between scalars without bool");
    }
    if (e.grouping_written && (lhs.type != ValueType::kVector || rhs.type != ValueType::kVector)) {
      fail_at(e.offset, "on/ignoring with a scalar operand");
    }
    e.type = scalars ? ValueType::kScalar : ValueType::kVector;
  }

  ExprPtr unary() {
    if (is("-") || is("+")) {
      const Token& t = next();
      ExprPtr operand = binary(6);  // binds looser than ^: -2^2 is -(2^2)
      if (operand->type == ValueType::kMatrix) fail_at(operand->offset, "a range vector as an operand");
      if (t.text == "+") return operand;
      if (operand->kind == Expr::Kind::kNumber) {
        operand->number = -operand->number;
        return operand;
      }
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kNegate;
      e->offset = t.offset;
      e->type = operand->type;
      e->args.push_back(std::move(operand));
      return e;
    }
    ExprPtr e = primary();
    postfix(*e);
    return e;
  }

  // What may follow an operand: a range [5m] on a selector; offset, @ and subqueries are refused.
  void postfix(Expr& e) {
    for (;;) {
      if (is("[")) {
        const Token& open = next();
        if (e.kind != Expr::Kind::kSelector || e.range_ms > 0) {
          // [5m:1m] after anything but a selector is a subquery.
          fail(open, "a subquery (range over an expression that is not a selector)");
        }
        const Token& d = next();
        if (d.kind != Token::Kind::kDuration) fail(d, "expected a duration such as 5m in [...]");
        // ":1m" lexes as an identifier (a name may start with a colon).
        if (is(":") || (peek().kind == Token::Kind::kIdentifier && peek().text.rfind(':', 0) == 0)) {
          fail(peek(), "a subquery [range:resolution]");
        }
        expect("]");
        if (d.millis <= 0) fail(d, "a range of zero");
        e.range_ms = d.millis;
        e.type = ValueType::kMatrix;
        continue;
      }
      if (is("offset")) fail(peek(), "the offset modifier");
      if (is("@")) fail(peek(), "the @ modifier");
      return;
    }
  }

  std::vector<std::string> label_list() {
    std::vector<std::string> labels;
    expect("(");
    while (!is(")")) {
      const Token& t = next();
      if (t.kind != Token::Kind::kIdentifier) fail(t, "expected a label name");
      labels.push_back(t.text);
      if (!is(")")) expect(",");
    }
    expect(")");
    return labels;
  }

  ExprPtr primary() {
    const Token& t = peek();
    if (t.kind == Token::Kind::kNumber) {
      next();
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kNumber;
      e->number = t.number;
      e->offset = t.offset;
      e->type = ValueType::kScalar;
      return e;
    }
    if (t.kind == Token::Kind::kString) fail(t, "a string literal");
    if (t.kind == Token::Kind::kDuration) fail(t, fmt::format("a duration \"{}\" outside [...]", t.text));
    if (is("(")) {
      next();
      ExprPtr e = binary(0);
      expect(")");
      return e;
    }
    if (is("{")) return selector("", t.offset);
    if (t.kind != Token::Kind::kIdentifier) {
      fail(t, t.kind == Token::Kind::kEnd ? "unexpected end of expression" : fmt::format("unexpected \"{}\"", t.text));
    }
    next();
    static const std::set<std::string> kAggregations = {"sum", "avg", "min", "max", "count"};
    if (kAggregations.count(t.text) != 0 && (is("(") || is("by") || is("without"))) return aggregate(t);
    if (unsupported_aggregations().count(t.text) != 0 && (is("(") || is("by") || is("without"))) {
      fail(t, fmt::format("aggregation {}", t.text));
    }
    if (is("(")) return call(t);
    return selector(t.text, t.offset);
  }

  ExprPtr aggregate(const Token& name) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::kAggregate;
    e->offset = name.offset;
    e->type = ValueType::kVector;
    static const std::pair<const char*, Aggregation> kOps[] = {{"sum", Aggregation::kSum},
                                                               {"avg", Aggregation::kAvg},
                                                               {"min", Aggregation::kMin},
                                                               {"max", Aggregation::kMax},
                                                               {"count", Aggregation::kCount}};
    for (const auto& [text, op] : kOps) {
      if (name.text == text) e->aggregation = op;
    }
    bool grouped = false;
    auto grouping = [&] {
      if (is("by") || is("without")) {
        if (grouped) fail(peek(), "a second by/without clause");
        e->without = next().text == "without";
        e->grouping = label_list();
        grouped = true;
      }
    };
    grouping();
    expect("(");
    ExprPtr arg = binary(0);
    if (is(",")) fail(peek(), fmt::format("a parameter to {}", name.text));
    expect(")");
    grouping();
    if (arg->type != ValueType::kVector) {
      fail_at(arg->offset, fmt::format("{}() over a {}", name.text, arg->type == ValueType::kScalar ? "scalar" : "range vector"));
    }
    e->args.push_back(std::move(arg));
    return e;
  }

  ExprPtr call(const Token& name) {
    static const std::pair<const char*, Function> kFunctions[] = {{"rate", Function::kRate},
                                                                  {"increase", Function::kIncrease},
                                                                  {"irate", Function::kIrate},
                                                                  {"histogram_quantile", Function::kHistogramQuantile}};
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::kCall;
    e->offset = name.offset;
    e->type = ValueType::kVector;
    bool known = false;
    for (const auto& [text, f] : kFunctions) {
      if (name.text == text) {
        e->function = f;
        known = true;
      }
    }
    if (!known) fail(name, fmt::format("function {}()", name.text));
    expect("(");
    while (!is(")")) {
      e->args.push_back(binary(0));
      if (!is(")")) expect(",");
    }
    expect(")");
    if (e->function == Function::kHistogramQuantile) {
      if (e->args.size() != 2 || e->args[0]->type != ValueType::kScalar || e->args[1]->type != ValueType::kVector) {
        fail(name, "histogram_quantile() takes a scalar and an instant vector");
      }
    } else if (e->args.size() != 1 || e->args[0]->type != ValueType::kMatrix ||
               e->args[0]->kind != Expr::Kind::kSelector) {
      fail(name, fmt::format("{}() takes one range vector selector such as x[5m]", name.text));
    }
    return e;
  }

  ExprPtr selector(const std::string& metric, std::size_t offset) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::kSelector;
    e->offset = offset;
    e->type = ValueType::kVector;
    e->metric = metric;
    if (!metric.empty()) {
      static const std::set<std::string> kKeywords = {"by", "without", "on", "ignoring", "bool", "offset",
                                                      "group_left", "group_right", "and", "or", "unless"};
      if (kKeywords.count(metric) != 0) fail_at(offset, fmt::format("unexpected keyword \"{}\"", metric));
      LabelMatcher m;
      m.name = kMetricName;
      m.value = metric;
      e->matchers.push_back(std::move(m));
    }
    if (is("{")) {
      next();
      while (!is("}")) {
        const Token& name = next();
        if (name.kind != Token::Kind::kIdentifier) fail(name, "expected a label name in {...}");
        const Token& op = next();
        LabelMatcher m;
        m.name = name.text;
        if (op.text == "=") m.op = LabelMatcher::Op::kEqual;
        else if (op.text == "!=") m.op = LabelMatcher::Op::kNotEqual;
        else if (op.text == "=~") m.op = LabelMatcher::Op::kRegex;
        else if (op.text == "!~") m.op = LabelMatcher::Op::kNotRegex;
        else fail(op, "expected =, !=, =~ or !~ after a label name");
        const Token& value = next();
        if (value.kind != Token::Kind::kString) fail(value, "expected a quoted label value");
        m.value = value.text;
        if (m.op == LabelMatcher::Op::kRegex || m.op == LabelMatcher::Op::kNotRegex) {
          try {
            m.regex = std::make_shared<const CompiledRegex>(
                CompiledRegex{std::regex("^(?:" + m.value + ")$", std::regex::ECMAScript)});
          } catch (const std::regex_error& ex) {
            fail(value, fmt::format("bad regular expression \"{}\"", m.value));
          }
        }
        if (m.name == kMetricName && !metric.empty()) fail(name, "a metric name both before {...} and as __name__");
        e->matchers.push_back(std::move(m));
        if (!is("}")) expect(",");
      }
      next();
    }
    if (e->matchers.empty()) fail_at(offset, "a selector with no matcher");
    // Prometheus refuses a selector every one of whose matchers matches the empty string.
    bool selective = false;
    for (const LabelMatcher& m : e->matchers) {
      if (!m.matches("")) selective = true;
    }
    if (!selective) fail_at(offset, "a selector that matches the empty label set (needs one matcher that does not match \"\")");
    return e;
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
};

void collect_names(const Expr& e, std::vector<std::string>* out) {
  if (e.kind == Expr::Kind::kSelector) out->push_back(e.metric);
  for (const ExprPtr& a : e.args) collect_names(*a, out);
}

}  // namespace

bool LabelMatcher::matches(const std::string& v) const {
  switch (op) {
    case Op::kEqual: return v == value;
    case Op::kNotEqual: return v != value;
    case Op::kRegex: return std::regex_match(v, regex->re);
    case Op::kNotRegex: return !std::regex_match(v, regex->re);
  }
  return false;
}

bool is_comparison(BinaryOp op) {
  return op == BinaryOp::kEq || op == BinaryOp::kNe || op == BinaryOp::kGt || op == BinaryOp::kLt ||
         op == BinaryOp::kGe || op == BinaryOp::kLe;
}
bool is_set_operator(BinaryOp op) { return op == BinaryOp::kOr || op == BinaryOp::kAnd || op == BinaryOp::kUnless; }
const char* to_string(BinaryOp op) {
  static const char* kText[] = {"or", "and", "unless", "==", "!=", ">", "<", ">=", "<=", "+", "-", "*", "/", "%", "^"};
  return kText[static_cast<int>(op)];
}

ExprPtr parse_promql(std::string_view text, ParseError* error) {
  std::vector<Token> tokens;
  std::string message;
  std::size_t offset = 0;
  if (!lex_promql(text, &tokens, &message, &offset)) {
    *error = {message, offset};
    return nullptr;
  }
  try {
    return Parser(std::move(tokens)).parse();
  } catch (const Failure& f) {
    *error = {f.message, f.offset};
    return nullptr;
  }
}

std::vector<std::string> selected_metric_names(const Expr& expr) {
  std::vector<std::string> names;
  collect_names(expr, &names);
  return names;
}

}  // namespace faultline::monitoring::promql
