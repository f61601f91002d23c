// How the routes report the typed services' errors: one mapping from a
// services::ControlError code to an HTTP status, used by every route that calls a
// service. Any thread.
#pragma once

#include <string>
#include <utility>

#include "daemon/console/http_types.h"
#include "daemon/services/control_server.h"

namespace pingan::api {

// not_found 404, bad_request 400, too_large 400, refused 409, not_drill 409, no_schedule
// 503, anything else 500.
int ControlErrorStatus(const std::string& code);

// `call()`'s result; a ControlError becomes the ApiError of its code's status.
template <typename F>
auto CallService(F&& call) -> decltype(call()) {
  try {
    return std::forward<F>(call)();
  } catch (const services::ControlError& e) {
    throw console::ApiError(ControlErrorStatus(e.code), e.code, e.what());
  }
}

}  // namespace pingan::api
