// CodeOf: the ControlError code a typed service call throws, for the tests of the
// typed services. Any thread.
#pragma once

#include <string>

#include "daemon/services/control_server.h"

namespace pingan::testing {

// ControlError's code of `call()`, "" when it does not throw one.
template <typename F>
std::string CodeOf(F&& call) {
  try {
    call();
  } catch (const services::ControlError& e) {
    return e.code;
  }
  return "";
}

}  // namespace pingan::testing
