// PasswordWorker: Argon2id computed in a forked child under SCHED_IDLE, with the same
// answers as in process; a child that is gone makes the calls say so, and the
// process-wide functions then hash in process. The child is a real fork.
#include <gtest/gtest.h>

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/console/password.h"
#include "daemon/console/password_worker.h"

namespace pingan::console {
namespace {

std::unique_ptr<PasswordWorker> StartOrFail() {
  std::string why;
  auto worker = PasswordWorker::Start(&why);
  EXPECT_NE(worker, nullptr) << why;
  return worker;
}

TEST(PasswordWorkerTest, HashesAndVerifiesInAChildProcessUnderSchedIdle) {
  auto worker = StartOrFail();
  ASSERT_NE(worker, nullptr);
  EXPECT_NE(worker->child(), ::getpid());
  const auto hash = worker->Hash("correct horse", PasswordCost::kMinimum);
  ASSERT_TRUE(hash);
  // Set before the child serves its first request.
  EXPECT_EQ(::sched_getscheduler(worker->child()), SCHED_IDLE);
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_EQ(worker->Verify(*hash, "correct horse"), std::optional<bool>(true));
  EXPECT_EQ(worker->Verify(*hash, "wrong horse"), std::optional<bool>(false));
  // Interchangeable with the in-process functions, both ways.
  EXPECT_TRUE(VerifyPasswordInProcess(*hash, "correct horse"));
  const std::string here = HashPasswordInProcess("battery", PasswordCost::kMinimum);
  EXPECT_EQ(worker->Verify(here, "battery"), std::optional<bool>(true));
  EXPECT_EQ(worker->Verify("not a hash", "battery"), std::optional<bool>(false));
}

TEST(PasswordWorkerTest, AChildThatIsGoneIsSaidSoAndTheProcessHashesItself) {
  auto worker = StartOrFail();
  ASSERT_NE(worker, nullptr);
  PasswordWorker* raw = worker.get();
  const pid_t child = raw->child();
  UsePasswordWorker(std::move(worker));
  const std::string hash = HashPassword("s3cret", PasswordCost::kMinimum);  // by the child
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  EXPECT_EQ(raw->Verify(hash, "s3cret"), std::nullopt) << "the child is gone";
  EXPECT_EQ(raw->child(), -1) << "reaped";
  // The process-wide functions go on, in process.
  EXPECT_TRUE(VerifyPassword(hash, "s3cret"));
  EXPECT_FALSE(VerifyPassword(hash, "guess"));
  EXPECT_TRUE(VerifyPassword(HashPassword("next", PasswordCost::kMinimum), "next"));
  UsePasswordWorker(nullptr);
}

TEST(PasswordWorkerTest, ClosingTheWorkerEndsItsChild) {
  auto worker = StartOrFail();
  ASSERT_NE(worker, nullptr);
  const pid_t child = worker->child();
  worker.reset();  // closes the pair and reaps the child
  EXPECT_EQ(::kill(child, 0), -1) << "no such process any more";
}

TEST(PasswordWorkerTest, APasswordTooLongForOneMessageIsLeftToTheCaller) {
  auto worker = StartOrFail();
  ASSERT_NE(worker, nullptr);
  EXPECT_EQ(worker->Hash(std::string(64 * 1024, 'x'), PasswordCost::kMinimum), std::nullopt);
  EXPECT_EQ(worker->Verify("h", "short"), std::optional<bool>(false)) << "still serving";
}

}  // namespace
}  // namespace pingan::console
