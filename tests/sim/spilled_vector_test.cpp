#include "sim/spilled_vector.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "sim/metrics.h"

namespace faultline::sim {
namespace {

struct Record {
  std::uint64_t second;
  std::uint32_t a;
  float b;
};

Record record_of(std::size_t i) {
  return {i, static_cast<std::uint32_t>(i * 7 + 1), static_cast<float>(i) * 0.5f};
}

void expect_record(const Record& r, std::size_t i) {
  ASSERT_EQ(r.second, i);
  ASSERT_EQ(r.a, i * 7 + 1);
  ASSERT_EQ(r.b, static_cast<float>(i) * 0.5f);
}

TEST(SpilledVectorTest, ReadsBackEveryRecordAcrossBlocks) {
  SpilledVector<Record> v;
  const std::size_t n = 5 * SpilledVector<Record>::kBlock + 17;  // full blocks and a tail
  for (std::size_t i = 0; i < n; ++i) v.push_back(record_of(i));
  ASSERT_EQ(v.size(), n);
  EXPECT_TRUE(v.on_disk());
  for (std::size_t i = 0; i < n; ++i) expect_record(v[i], i);  // forward
  for (std::size_t i = n; i-- > 0;) expect_record(v[i], i);     // backward
  std::size_t i = 0;
  for (const Record& r : v) expect_record(r, i++);  // iterators
  EXPECT_EQ(i, n);
  expect_record(v.back(), n - 1);
}

// A sliding window reads its head and its tail at once; records far apart in different
// blocks, read alternately (more positions than the cache holds), stay correct.
TEST(SpilledVectorTest, InterleavedReadsFarApart) {
  SpilledVector<std::uint8_t> v;
  const std::size_t n = 9 * SpilledVector<std::uint8_t>::kBlock + 3;
  for (std::size_t i = 0; i < n; ++i) v.push_back(static_cast<std::uint8_t>(i % 251));
  const std::size_t step = SpilledVector<std::uint8_t>::kBlock + 1;
  for (std::size_t i = 0; i + 6 * step < n; i += 97) {
    for (std::size_t k = 0; k <= 6; ++k) ASSERT_EQ(v[i + k * step], (i + k * step) % 251) << i << " " << k;
  }
}

// Where no temporary file can be made, records stay in memory: still correct.
TEST(SpilledVectorTest, KeepsWorkingWithoutATemporaryFolder) {
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("TMPDIR", "/nonexistent/faultline", 1);
  SpilledVector<Record> v;
  const std::size_t n = 3 * SpilledVector<Record>::kBlock + 5;
  for (std::size_t i = 0; i < n; ++i) v.push_back(record_of(i));
  if (old != nullptr) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  EXPECT_FALSE(v.on_disk());
  for (std::size_t i = 0; i < n; ++i) expect_record(v[i], i);
}

TEST(SpilledVectorTest, MovedVectorKeepsItsRecords) {
  SpilledVector<Record> v;
  const std::size_t n = 2 * SpilledVector<Record>::kBlock + 1;
  for (std::size_t i = 0; i < n; ++i) v.push_back(record_of(i));
  SpilledVector<Record> w = std::move(v);
  ASSERT_EQ(w.size(), n);
  for (std::size_t i = 0; i < n; ++i) expect_record(w[i], i);
}

// The point of spilling: a day of timeline rows does not grow the process. The records live in
// the temporary file; what stays in memory is the block being filled and the read cache.
TEST(SpilledVectorTest, TimelineOfADayIsOnDisk) {
  SpilledVector<TimelineRow> rows;
  for (std::uint32_t s = 0; s < 86400; ++s) {
    TimelineRow r;
    r.issued = s;
    rows.push_back(r);
  }
  EXPECT_TRUE(rows.on_disk());
  EXPECT_EQ(rows[0].issued, 0u);
  EXPECT_EQ(rows[43210].issued, 43210u);
  EXPECT_EQ(rows[86399].issued, 86399u);
}

}  // namespace
}  // namespace faultline::sim
