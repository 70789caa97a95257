// SchemaCursor: walks a JSON Schema (draft 2020-12, the subset experiments/schema.json uses)
// one path segment at a time, to say whether a path can exist in a valid document and what
// its value may be. --set and sweep parameters use it on paths the file may not write.
//
//   SchemaCursor c(experiment_schema());
//   c.step("resilience") && c.step("circuit_breakers") && c.step("postgres");  // true: a map
//   c.step("failure_threshold");        // true; c.types() == kInteger (integers are numbers)
//   c.step("low");                      // false: an integer has no keys; c is unchanged
//
// It follows properties, additionalProperties, items and prefixItems, through $ref (local
// "#/..." references), allOf (every part must allow the child), anyOf and oneOf (one branch
// must). It does not evaluate conditions (if/then/else), patterns or bounds: the validator
// checks the value. Copies hold their own state; the schema must outlive them. Thread-safe
// on distinct cursors.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::experiments {

// JSON types, as a bit set.
enum SchemaTypes : unsigned {
  kNoType = 0,
  kNull = 1,
  kBoolean = 2,
  kInteger = 4,  // a whole number (a JSON Schema "integer")
  kNumber = 8,   // "number": integers included (kNumber | kInteger)
  kString = 16,
  kArray = 32,
  kObject = 64,
  kAnyType = 127,
};

class SchemaCursor {
 public:
  // At the top of `root` (the whole schema, against which "$ref"s resolve).
  explicit SchemaCursor(const nlohmann::json& root);

  // Moves to the child `segment` (an object key, or an array index in decimal) and returns
  // true if the schema allows such a child; else returns false and stays.
  bool step(std::string_view segment);

  // The types a value here may have.
  unsigned types() const;
  // The keys the schema names here (properties, across $ref and branches), sorted, for
  // "did you mean" messages; empty for a map with user-chosen keys.
  std::vector<std::string> keys() const;

 private:
  const nlohmann::json* root_;
  nlohmann::json node_;  // the schema here: a copy, or allOf/anyOf of copies, or true/false
};

}  // namespace faultline::experiments
