#include "daemon/app/store_check.h"

#include <chrono>
#include <exception>

#include <boost/asio/post.hpp>

#include "daemon/store/backup.h"

namespace pingan::app {

std::string CheckLiveDatabase(store::ReadPool& reads, bool full, double* seconds) {
  const auto started = std::chrono::steady_clock::now();
  std::string problems;
  try {
    auto lease = reads.Acquire();
    problems = store::DatabaseProblems(lease.db(),
                                       full ? store::CheckDepth::kFull : store::CheckDepth::kQuick);
  } catch (const std::exception& e) {
    problems = e.what();  // a file that cannot even be read is damage too
  }
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return problems;
}

StoreCheck::StoreCheck(boost::asio::io_context& io, store::ReadPool reads, RunOnPool pool,
                       core::Millis first_after, core::Millis every, OnResult on_result)
    : io_(io),
      reads_(std::move(reads)),
      pool_(std::move(pool)),
      first_after_(first_after),
      every_(every),
      on_result_(std::move(on_result)),
      timer_(io) {}

void StoreCheck::Start() {
  running_ = true;
  Arm(first_after_);
}

void StoreCheck::Stop() {
  running_ = false;
  timer_.cancel();
}

void StoreCheck::Arm(core::Millis after) {
  timer_.expires_after(after);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && running_) Run();
  });
}

void StoreCheck::Run() {
  pool_([this] {
    double seconds = 0;
    std::string problems = CheckLiveDatabase(reads_, /*full=*/false, &seconds);
    boost::asio::post(io_, [this, problems = std::move(problems), seconds] {
      if (!running_) return;
      on_result_(problems, seconds);
      Arm(every_);
    });
  });
}

}  // namespace pingan::app
