// One pingand per data directory: a second lock on the same directory is refused with
// a message naming the directory and the holder; releasing lets the next one in.
#include "daemon/store/data_dir_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

TEST(DataDirLockTest, ASecondHolderIsRefusedWithTheFirstOnesPid) {
  testing::TempDir dir;
  auto first = std::make_unique<DataDirLock>(dir.path().string());
  try {
    DataDirLock second(dir.path().string());
    FAIL() << "two locks on one data directory";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("another pingand (pid " + std::to_string(::getpid()) + ")"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find(dir.path().string()), std::string::npos) << message;
  }
  first.reset();
  EXPECT_NO_THROW(DataDirLock again(dir.path().string())) << "released with its holder";
}

TEST(DataDirLockTest, AStaleLockFileFromACrashedDaemonDoesNotBlock) {
  testing::TempDir dir;
  std::ofstream(dir.File("pingand.lock")) << "99999\n";  // written, never locked
  EXPECT_NO_THROW(DataDirLock lock(dir.path().string()));
}

}  // namespace
}  // namespace pingan::store
