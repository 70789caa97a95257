#include "sim/spilled_vector.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <utility>

namespace faultline::sim {

namespace {

// An unlinked temporary file in TMPDIR (else /tmp): O_TMPFILE where the filesystem has it, else
// mkstemp and unlink at once. -1 when neither works.
int open_temporary() {
  const char* env = std::getenv("TMPDIR");
  const std::string dir = env != nullptr && *env != '\0' ? env : "/tmp";
#ifdef O_TMPFILE
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
#endif
  // mkostemp() replaces the name's last six characters, which must be 'X', with a unique suffix.
  std::string name = dir + "/faultline-timeline-" + std::string(6, 'X');
  const int tmp = ::mkostemp(name.data(), O_CLOEXEC);
  if (tmp < 0) return -1;
  ::unlink(name.c_str());
  return tmp;
}

// Moves n bytes with pread or pwrite, through short transfers and EINTR.
template <typename Io, typename Byte>
bool transfer_all(Io io, int fd, Byte* data, std::size_t n, off_t at) {
  while (n > 0) {
    const ssize_t done = io(fd, data, n, at);
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) return false;
    data += done;
    n -= static_cast<std::size_t>(done);
    at += done;
  }
  return true;
}

bool write_at(int fd, const unsigned char* data, std::size_t n, off_t at) {
  return transfer_all(::pwrite, fd, data, n, at);
}

bool read_at(int fd, unsigned char* out, std::size_t n, off_t at) {
  return transfer_all(::pread, fd, out, n, at);
}

}  // namespace

BlockStore::BlockStore(std::size_t block_bytes) : block_bytes_(block_bytes) {}

BlockStore::~BlockStore() {
  if (fd_ >= 0) ::close(fd_);
}

BlockStore::BlockStore(BlockStore&& other) noexcept
    : block_bytes_(other.block_bytes_),
      blocks_(std::exchange(other.blocks_, 0)),
      fd_(std::exchange(other.fd_, -1)),
      memory_(std::move(other.memory_)) {}

BlockStore& BlockStore::operator=(BlockStore&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    block_bytes_ = other.block_bytes_;
    blocks_ = std::exchange(other.blocks_, 0);
    fd_ = std::exchange(other.fd_, -1);
    memory_ = std::move(other.memory_);
  }
  return *this;
}

void BlockStore::write(const void* data) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  // The file is opened with the first full block: short runs never touch the disk.
  if (blocks_ == 0 && memory_.empty()) fd_ = open_temporary();
  if (fd_ >= 0 && !write_at(fd_, bytes, block_bytes_, static_cast<off_t>(blocks_ * block_bytes_))) {
    // Disk full or gone: move what was written back into memory and keep going there.
    std::vector<std::unique_ptr<unsigned char[]>> back;
    for (std::size_t i = 0; i < blocks_; ++i) {
      back.emplace_back(new unsigned char[block_bytes_]);
      if (!read_at(fd_, back.back().get(), block_bytes_, static_cast<off_t>(i * block_bytes_))) {
        std::memset(back.back().get(), 0, block_bytes_);  // unreadable too: cannot happen on
      }                                                    // a file we just wrote
    }
    ::close(fd_);
    fd_ = -1;
    memory_ = std::move(back);
  }
  if (fd_ < 0) {
    memory_.emplace_back(new unsigned char[block_bytes_]);
    std::memcpy(memory_.back().get(), bytes, block_bytes_);
  }
  ++blocks_;
}

void BlockStore::read(std::size_t index, void* out) const {
  assert(index < blocks_);
  if (fd_ < 0) {
    std::memcpy(out, memory_[index].get(), block_bytes_);
    return;
  }
  if (!read_at(fd_, static_cast<unsigned char*>(out), block_bytes_,
               static_cast<off_t>(index * block_bytes_))) {
    std::memset(out, 0, block_bytes_);
  }
}

}  // namespace faultline::sim
