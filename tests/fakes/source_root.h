// SourceRoot: the project's source tree, for tests that read files shipped with it
// (examples in deploy/ and daemon/config/examples, the SMTP sink script). Set at configure
// time rather than derived from __FILE__, which a compiler cache may make relative.
#pragma once

#include <filesystem>

namespace pingan::testing {

const std::filesystem::path& SourceRoot();

}  // namespace pingan::testing
