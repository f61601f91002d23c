// RunOnIo: runs a function on the io thread and returns its result, for the few pieces
// of io-thread state (ingest counters, the sweeper's timer, the ZAP key set) that
// commands running on the read pool need. On the io thread itself it runs at once.
// Throws std::runtime_error when the io thread does not run it within `timeout` (a
// stopping daemon); exceptions of the function reach the caller.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace pingan::app {

template <class F>
auto RunOnIo(boost::asio::io_context& io, F fn,
             std::chrono::milliseconds timeout = std::chrono::seconds{10}) -> decltype(fn()) {
  if (io.get_executor().running_in_this_thread()) return fn();
  using Result = decltype(fn());
  auto task = std::make_shared<std::packaged_task<Result()>>(std::move(fn));
  auto result = task->get_future();
  boost::asio::post(io, [task] { (*task)(); });
  if (result.wait_for(timeout) != std::future_status::ready) {
    throw std::runtime_error("the daemon's io thread did not answer (stopping?)");
  }
  return result.get();
}

}  // namespace pingan::app
