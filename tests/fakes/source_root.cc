#include "tests/fakes/source_root.h"

namespace pingan::testing {

const std::filesystem::path& SourceRoot() {
  // Defined for this one file only, so a checkout elsewhere rebuilds only this file.
  static const std::filesystem::path root = PINGAN_TEST_SOURCE_ROOT;
  return root;
}

}  // namespace pingan::testing
