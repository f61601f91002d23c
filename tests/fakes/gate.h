// Gate: holds a worker thread until the test opens it, so that tests can make a pool
// busy without waiting on the wall clock. Job() is run by the pool; Started() returns
// once a thread is inside it; Open() lets it finish. One use per Gate.
#pragma once

#include <functional>
#include <future>

namespace pingan::testing {

class Gate {
 public:
  std::function<void()> Job() {
    return [this] {
      started_.set_value();
      open_.get_future().wait();
    };
  }
  void Started() { started_.get_future().wait(); }
  void Open() { open_.set_value(); }

 private:
  std::promise<void> started_;
  std::promise<void> open_;
};

}  // namespace pingan::testing
