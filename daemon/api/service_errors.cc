#include "daemon/api/service_errors.h"

namespace pingan::api {

int ControlErrorStatus(const std::string& code) {
  if (code == "not_found") return 404;
  if (code == "bad_request") return 400;
  if (code == "too_large") return 400;  // ask for less: the caller's to fix
  if (code == "refused") return 409;
  if (code == "not_drill") return 409;  // a refusal (the daemon runs on the system clock)
  if (code == "no_schedule") return 503;
  return 500;
}

}  // namespace pingan::api
