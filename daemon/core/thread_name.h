// NameThread: gives a thread the name `top -H`, `ps -L` and perf show for it.
//
// Threading: call from any thread while `thread` is joinable (usually right after
// starting it). Linux keeps 15 characters; longer names are cut.
#pragma once

#include <pthread.h>

#include <string>
#include <string_view>
#include <thread>

namespace pingan::core {

inline void NameThread(std::thread& thread, std::string_view name) {
  const std::string cut(name.substr(0, 15));
  ::pthread_setname_np(thread.native_handle(), cut.c_str());
}

}  // namespace pingan::core
