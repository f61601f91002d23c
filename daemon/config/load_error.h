// LoadError: why an organisation, calendar, requirement or iCalendar file was refused,
// naming the file, the line and the key, so that an administrator can fix it at once.
// It is core::Error (daemon/core/result.h): LoadError{file, line, key, message}, with
// ToString() "org.yaml:12: units[3].time_zone: unknown time zone 'Asia/Shanghia'".
#pragma once

#include "daemon/core/result.h"

namespace pingan::config {

using LoadError = core::Error;

}  // namespace pingan::config
