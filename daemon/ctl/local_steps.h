// The local work some pinganctl commands do around the request: a password read from
// the terminal (never argv), a school's public key read from a file or a keypair made
// here, a CSV read from a file, who is acting when on the local socket; and afterwards
// writing an export. Single-threaded CLI; does file I/O.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/ctl/command_table.h"

namespace pingan::ctl {

// A local problem (unreadable file, a key file that exists already, ...).
struct LocalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Prepared {
  std::function<void()> on_failure;  // undoes local effects when the daemon refused
  std::string note;                  // printed after success (e.g. files written)
};

// Completes `args` for `command`. `local_socket`: the request goes over the control
// socket, which has no signed-in identity: the local login name is used.
Prepared PrepareArgs(const CtlCommand& command, const CtlInputs& inputs, nlohmann::json& args,
                     bool local_socket);

// Writes `text` to `path` ("" or "-": stdout). Throws LocalError.
void WriteOutput(const std::string& path, const std::string& text);

// The login name of the user running pinganctl.
std::string LocalUserName();

}  // namespace pingan::ctl
