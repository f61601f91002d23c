// RunPinganctl: the real pinganctl binary for black-box tests, its stdout and stderr
// captured in files under a test's directory (RunProgram: any of the project's
// binaries, e.g. pingan-loadgen); ReadFile reads such a file whole.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fakes/sanitizer_reports.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::testing {

struct CtlRun {
  int exit = -1;
  std::string out;
  std::string err;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `program` with `args`; its output goes to `<name>.out` and `<name>.err` in `dir`.
inline CtlRun RunProgram(const std::string& program, const std::string& name, const TempDir& dir,
                         const std::vector<std::string>& args) {
  const std::string out = dir.File(name + ".out");
  const std::string err = dir.File(name + ".err");
  const std::string sanitizer = dir.File(name + ".sanitizer");
  const pid_t pid = ::fork();
  if (pid == 0) {
    RouteSanitizerReports(sanitizer);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(o, STDOUT_FILENO);
    ::dup2(e, STDERR_FILENO);
    std::vector<std::string> all = {program};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ExpectNoSanitizerReports(sanitizer);
  return CtlRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out), ReadFile(err)};
}

inline CtlRun RunPinganctl(const TempDir& dir, const std::vector<std::string>& args) {
  return RunProgram(PINGANCTL_PATH, "ctl", dir, args);
}

}  // namespace pingan::testing
