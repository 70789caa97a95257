// Result files written whole or not at all (contract section 5): a file goes to a temporary
// name beside its destination, is flushed to disk, then renamed over it; a results folder is
// built beside its destination and swapped in.
//
//   std::string error;
//   if (!write_file_atomic("results/x/summary.json", text, &error)) fmt::print(stderr, "{}\n", error);
//
// Thread-safe for distinct paths; temporary names carry the process id, so two processes
// writing the same path never share a temporary (the last rename wins).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faultline::monitoring {

// Writes `content` to `path.tmp.<pid>` in the same directory (creating missing parent
// directories), fsyncs it, renames it to `path` and fsyncs the directory. On failure returns
// false with a message naming the path and the OS error, removes the temporary and leaves any
// earlier `path` untouched. `error` may be null.
bool write_file_atomic(const std::string& path, std::string_view content, std::string* error);

// Receives a file's content piece by piece; false when writing failed.
using ContentSink = std::function<bool(std::string_view piece)>;
// Produces a file's content through `sink`, for files too large to build as one string (a long
// run's timeline.csv); returns false as soon as the sink does.
using ContentWriter = std::function<bool(const ContentSink& sink)>;

// The same, the content streamed by `write`.
bool write_file_atomic(const std::string& path, const ContentWriter& write, std::string* error);

// A file of a results folder: its whole text, or, when `writer` is set, streamed by it.
struct FolderFile {
  FolderFile(std::string file_name, std::string text) : name(std::move(file_name)), content(std::move(text)) {}
  FolderFile(std::string file_name, ContentWriter streamed)
      : name(std::move(file_name)), writer(std::move(streamed)) {}
  std::string name;
  std::string content;
  ContentWriter writer;
};

// Replaces the folder `dir` by one holding exactly `files` (relative names, subfolders
// allowed). The files are written and fsynced into `<dir>.tmp-<pid>/`, which is then swapped
// with `dir` in one step (renameat2 RENAME_EXCHANGE) and the old contents removed. Where the
// filesystem cannot exchange, the old folder is renamed to `<dir>.old-<pid>`, the new one
// renamed in, the old removed: rename(2) can not replace a non-empty folder, so for that
// instant `dir` is absent — but it is never partial. On failure the earlier folder stays.
bool write_folder_atomic(const std::string& dir, const std::vector<FolderFile>& files, std::string* error);

}  // namespace faultline::monitoring
