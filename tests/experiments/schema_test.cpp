// experiments/schema.json against the loader's vocabulary: the same keys in every object, the
// same enumerated values, a description for every key, and no object the loader does not
// know. Editing one without the other fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "experiments/diagnostic.h"
#include "experiments/vocabulary.h"

namespace faultline::experiments {
namespace {

using nlohmann::json;

json load_schema() {
  std::ifstream in(std::string(FAULTLINE_SOURCE_DIR) + "/experiments/schema.json");
  return json::parse(in);  // throws (and fails the test) if the schema does not parse
}

std::string escape(const std::string& token) { return pointer_append("", token).substr(1); }

// The pointers of every object in the schema that lists "properties".
void objects_with_properties(const json& node, const std::string& pointer,
                             std::set<std::string>& out) {
  if (node.is_object()) {
    if (node.contains("properties") && node["properties"].is_object()) out.insert(pointer);
    for (const auto& [key, child] : node.items()) {
      if (key == "if") {
        continue;  // a condition tests values; it declares no keys
      } else if (key == "properties") {
        for (const auto& [name, property] : child.items()) {
          objects_with_properties(property, pointer + "/properties/" + escape(name), out);
        }
      } else {
        objects_with_properties(child, pointer + "/" + escape(key), out);
      }
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      objects_with_properties(node[i], pointer + "/" + std::to_string(i), out);
  }
}

TEST(SchemaTest, ParsesAndIsDraft202012) {
  const json schema = load_schema();
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema["type"], "object");
}

TEST(SchemaTest, EveryKeySetMatchesItsSchemaObject) {
  const json schema = load_schema();
  for (const KeySet& set : all_key_sets()) {
    SCOPED_TRACE(set.schema_pointer);
    const json::json_pointer pointer(set.schema_pointer);
    ASSERT_TRUE(schema.contains(pointer));
    const json& object = schema[pointer];
    EXPECT_EQ(object["additionalProperties"], false)
        << "the schema must refuse unknown keys, as the loader does";
    std::set<std::string> in_schema;
    for (const auto& [key, property] : object["properties"].items()) {
      in_schema.insert(key);
      ASSERT_TRUE(property.contains("description")) << key;
      EXPECT_FALSE(property["description"].get<std::string>().empty()) << key;
    }
    const std::set<std::string> in_loader(set.keys.begin(), set.keys.end());
    EXPECT_EQ(in_loader.size(), set.keys.size()) << "a key is listed twice";
    EXPECT_EQ(in_schema, in_loader);
  }
}

TEST(SchemaTest, NoSchemaObjectIsUnknownToTheLoader) {
  const json schema = load_schema();
  std::set<std::string> found;
  objects_with_properties(schema, "", found);
  std::set<std::string> known;
  for (const KeySet& set : all_key_sets()) known.insert(set.schema_pointer);
  EXPECT_EQ(found, known);
}

TEST(SchemaTest, EnumerationsMatch) {
  const json schema = load_schema();
  for (const Enumeration& e : all_enumerations()) {
    SCOPED_TRACE(e.schema_pointer);
    const json::json_pointer pointer(e.schema_pointer);
    ASSERT_TRUE(schema.contains(pointer));
    EXPECT_EQ(schema[pointer]["enum"], json(e.values));
  }
  // Each distribution kind has its own definition, whose "dist" is that kind.
  for (const std::string& kind : words(Vocabulary::kDistribution)) {
    EXPECT_EQ(schema["$defs"]["dist_" + kind]["properties"]["dist"]["const"], kind);
  }
}

}  // namespace
}  // namespace faultline::experiments
