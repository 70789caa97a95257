// Tokens of a PromQL expression, for monitoring/promql_parser.h. The lexer knows the whole
// language's token set (so that `offset`, `@` or `[5m:1m]` reach the parser and are named in
// its error) but no grammar.
//
//   std::vector<Token> tokens;
//   std::string error;
//   if (!lex_promql("sum by (le) (rate(x[5m]))", &tokens, &error)) ...
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::monitoring::promql {

struct Token {
  enum class Kind {
    kIdentifier,  // metric names, label names, keywords, functions (letters, digits, _ and :)
    kNumber,      // 1, 0.05, 1e3, 0x1f, Inf, NaN
    kString,      // "..." '...' `...`, unescaped
    kDuration,    // 5m, 1h30m, 250ms
    kOperator,    // + - * / % ^ == != > < >= <= =~ !~ = @
    kPunct,       // ( ) { } [ ] , :
    kEnd,
  };
  Kind kind = Kind::kEnd;
  std::string text;         // identifier, operator or punctuation as written; string unescaped
  double number = 0;        // kNumber
  std::int64_t millis = 0;  // kDuration
  std::size_t offset = 0;   // byte offset in the expression
};

// Splits `text` into tokens ending with one kEnd; false with a message naming the offset.
bool lex_promql(std::string_view text, std::vector<Token>* tokens, std::string* error, std::size_t* error_offset);

// A Prometheus duration (`5m`, `1h30m`, `90s`, `250ms`, `1d`, `1w`, `1y`) in ms; false when not one.
bool parse_prometheus_duration(std::string_view text, std::int64_t* millis);

}  // namespace faultline::monitoring::promql
