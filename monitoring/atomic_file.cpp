#include "monitoring/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

namespace faultline::monitoring {

namespace {

namespace fs = std::filesystem;

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

std::string os_error(int err) { return std::strerror(err); }

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Makes a rename in `dir` durable. Best effort: some filesystems refuse to fsync a directory,
// and the rename itself is already atomic for readers.
void fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// A relative name that stays inside the folder: no absolute path, no "..".
bool contained(const fs::path& name) {
  if (name.empty() || name.is_absolute()) return false;
  for (const auto& part : name) {
    if (part == "..") return false;
  }
  return true;
}

// Swaps two existing paths in one step; false with errno set where the system can not.
bool exchange(const fs::path& a, const fs::path& b) {
#ifdef RENAME_EXCHANGE
  return ::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0;
#else
  errno = ENOSYS;
  return false;
#endif
}

}  // namespace

bool write_file_atomic(const std::string& path, std::string_view content, std::string* error) {
  return write_file_atomic(
      path, [content](const ContentSink& sink) { return sink(content); }, error);
}

bool write_file_atomic(const std::string& path, const ContentWriter& write, std::string* error) {
  const fs::path target(path);
  const fs::path parent = target.parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) return fail(error, fmt::format("{}: cannot create folder {}: {}", path, parent.string(), ec.message()));
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(error, fmt::format("{}: cannot create {}: {}", path, tmp, os_error(errno)));
  int err = 0;
  const ContentSink sink = [&](std::string_view piece) {
    if (write_all(fd, piece)) return true;
    err = errno;
    return false;
  };
  bool ok = write(sink);
  if (ok && ::fsync(fd) != 0) {
    ok = false;
    err = errno;
  }
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (ok && std::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return fail(error, fmt::format("{}: cannot write: {}", path, err != 0 ? os_error(err) : "the content could not be produced"));
  }
  fsync_dir(parent);
  return true;
}

bool write_folder_atomic(const std::string& dir, const std::vector<FolderFile>& files, std::string* error) {
  fs::path target(dir);
  if (target.filename().empty()) target = target.parent_path();  // "results/x/" -> "results/x"
  if (target.empty()) return fail(error, "empty results folder name");
  const fs::path parent = target.parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) return fail(error, fmt::format("{}: cannot create folder {}: {}", dir, parent.string(), ec.message()));

  const fs::path staging = fmt::format("{}.tmp-{}", target.string(), ::getpid());
  fs::remove_all(staging, ec);  // left by an earlier crash of a process with our pid
  fs::create_directory(staging, ec);
  if (ec) return fail(error, fmt::format("{}: cannot create {}: {}", dir, staging.string(), ec.message()));
  auto abandon = [&](std::string message) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    return fail(error, std::move(message));
  };
  for (const FolderFile& file : files) {
    if (!contained(file.name)) return abandon(fmt::format("{}: file name '{}' leaves the folder", dir, file.name));
    const std::string path = (staging / file.name).string();
    std::string file_error;
    const bool written = file.writer ? write_file_atomic(path, file.writer, &file_error)
                                     : write_file_atomic(path, std::string_view(file.content), &file_error);
    if (!written) return abandon(file_error);
  }
  fsync_dir(staging);

  if (!fs::exists(target, ec)) {
    if (std::rename(staging.c_str(), target.c_str()) != 0) {
      return abandon(fmt::format("{}: cannot rename {} into place: {}", dir, staging.string(), os_error(errno)));
    }
  } else if (exchange(staging, target)) {
    fs::remove_all(staging, ec);  // now holds the earlier result
  } else {
    const fs::path old = fmt::format("{}.old-{}", target.string(), ::getpid());
    fs::remove_all(old, ec);
    if (std::rename(target.c_str(), old.c_str()) != 0) {
      return abandon(fmt::format("{}: cannot move the earlier result aside: {}", dir, os_error(errno)));
    }
    if (std::rename(staging.c_str(), target.c_str()) != 0) {
      const int err = errno;
      std::rename(old.c_str(), target.c_str());
      return abandon(fmt::format("{}: cannot rename {} into place: {}", dir, staging.string(), os_error(err)));
    }
    fs::remove_all(old, ec);
  }
  fsync_dir(parent);
  return true;
}

}  // namespace faultline::monitoring
