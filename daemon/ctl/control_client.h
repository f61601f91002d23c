// ControlRequest: pinganctl's client of the daemon's local control socket (see
// daemon/services/control_server.h for the protocol). One request, one answer, bounded
// wait; a fresh REQ socket each call, so any thread may call it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pingan::ctl {

// Throws std::runtime_error when the daemon does not answer within `timeout_ms`.
nlohmann::json ControlRequest(const std::string& socket_path, const std::string& command,
                              const nlohmann::json& args, int timeout_ms = 10000);

}  // namespace pingan::ctl
