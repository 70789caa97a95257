#include "monitoring/atomic_file.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace faultline::monitoring {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  AtomicFileTest() {
    dir_ = fs::temp_directory_path() /
           ("faultline-atomic-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  ~AtomicFileTest() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Every entry under `root`, relative, sorted.
  static std::vector<std::string> listing(const fs::path& root) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root)) out.push_back(fs::relative(e.path(), root).string());
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path dir_;
};

TEST_F(AtomicFileTest, WritesCreatesParentsAndLeavesNoTemporary) {
  const fs::path p = dir_ / "a" / "b" / "summary.json";
  std::string error;
  ASSERT_TRUE(write_file_atomic(p.string(), "{}\n", &error)) << error;
  EXPECT_EQ(read(p), "{}\n");
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"a", "a/b", "a/b/summary.json"}));
}

TEST_F(AtomicFileTest, ReplacesContentWhole) {
  const fs::path p = dir_ / "f.txt";
  ASSERT_TRUE(write_file_atomic(p.string(), std::string(100000, 'x'), nullptr));
  ASSERT_TRUE(write_file_atomic(p.string(), "short", nullptr));
  EXPECT_EQ(read(p), "short");
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"f.txt"}));
}

TEST_F(AtomicFileTest, FailureKeepsTheEarlierFileAndNoTemporary) {
  const fs::path p = dir_ / "f.txt";
  ASSERT_TRUE(write_file_atomic(p.string(), "old", nullptr));
  fs::create_directories(dir_ / "blocker");
  // The destination is a non-empty folder: rename(2) refuses, the write fails as a whole.
  std::ofstream(dir_ / "blocker" / "inside") << "x";
  std::string error;
  EXPECT_FALSE(write_file_atomic((dir_ / "blocker").string(), "new", &error));
  EXPECT_NE(error.find("blocker"), std::string::npos) << error;
  EXPECT_EQ(read(p), "old");
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"blocker", "blocker/inside", "f.txt"}));
  // A parent that is a file.
  EXPECT_FALSE(write_file_atomic((dir_ / "f.txt" / "child").string(), "x", &error));
  EXPECT_EQ(read(p), "old");
}

TEST_F(AtomicFileTest, FolderReplacedWhole) {
  const fs::path out = dir_ / "results" / "ai-outage";
  std::string error;
  ASSERT_TRUE(write_folder_atomic(out.string(), {{"summary.json", "1"}, {"junit.xml", "<x/>"}}, &error)) << error;
  EXPECT_EQ(read(out / "summary.json"), "1");
  ASSERT_TRUE(write_folder_atomic(out.string() + "/", {{"summary.json", "2"}, {"sub/timeline.csv", "t"}}, &error))
      << error;
  EXPECT_EQ(read(out / "summary.json"), "2");
  EXPECT_EQ(read(out / "sub" / "timeline.csv"), "t");
  EXPECT_FALSE(fs::exists(out / "junit.xml"));  // the earlier result is gone as a whole
  EXPECT_EQ(listing(dir_ / "results"),
            (std::vector<std::string>{"ai-outage", "ai-outage/sub", "ai-outage/sub/timeline.csv",
                                      "ai-outage/summary.json"}));
}

TEST_F(AtomicFileTest, FolderRejectsEscapingNamesAndKeepsTheEarlierResult) {
  const fs::path out = dir_ / "r";
  ASSERT_TRUE(write_folder_atomic(out.string(), {{"a", "1"}}, nullptr));
  std::string error;
  EXPECT_FALSE(write_folder_atomic(out.string(), {{"b", "2"}, {"../escape", "x"}}, &error));
  EXPECT_NE(error.find("leaves the folder"), std::string::npos) << error;
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"r", "r/a"}));
  EXPECT_EQ(read(out / "a"), "1");
}

TEST_F(AtomicFileTest, StreamedContentIsWrittenPieceByPiece) {
  const fs::path p = dir_ / "timeline.csv";
  std::string error;
  ASSERT_TRUE(write_file_atomic(
      p.string(),
      [](const ContentSink& sink) {
        for (int i = 0; i < 1000; ++i) {
          if (!sink(std::to_string(i) + "\n")) return false;
        }
        return true;
      },
      &error))
      << error;
  std::string expected;
  for (int i = 0; i < 1000; ++i) expected += std::to_string(i) + "\n";
  EXPECT_EQ(read(p), expected);
}

// A writer that gives up (its source failed) leaves the earlier file and no temporary.
TEST_F(AtomicFileTest, StreamedContentThatFailsLeavesTheEarlierFile) {
  const fs::path p = dir_ / "timeline.csv";
  ASSERT_TRUE(write_file_atomic(p.string(), "old", nullptr));
  std::string error;
  EXPECT_FALSE(write_file_atomic(
      p.string(), [](const ContentSink& sink) { return sink("half of it") && false; }, &error));
  EXPECT_NE(error.find("timeline.csv"), std::string::npos) << error;
  EXPECT_EQ(read(p), "old");
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"timeline.csv"}));
}

TEST_F(AtomicFileTest, FolderMixesTextAndStreamedFiles) {
  const fs::path out = dir_ / "r";
  std::vector<FolderFile> files;
  files.emplace_back("summary.json", "{}");
  files.emplace_back("timeline.csv", ContentWriter([](const ContentSink& sink) { return sink("a,") && sink("b\n"); }));
  std::string error;
  ASSERT_TRUE(write_folder_atomic(out.string(), files, &error)) << error;
  EXPECT_EQ(read(out / "summary.json"), "{}");
  EXPECT_EQ(read(out / "timeline.csv"), "a,b\n");
  // A streamed file that fails abandons the whole folder: the earlier result stays.
  files[1].writer = [](const ContentSink&) { return false; };
  files[0].content = "new";
  EXPECT_FALSE(write_folder_atomic(out.string(), files, &error));
  EXPECT_EQ(read(out / "summary.json"), "{}");
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"r", "r/summary.json", "r/timeline.csv"}));
}

}  // namespace
}  // namespace faultline::monitoring
