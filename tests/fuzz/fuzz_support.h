// What the fuzz targets share: Require(), a failed property check that libFuzzer reports
// as a crash with the input that caused it (a trap, not an exception it could swallow).
#pragma once

namespace pingan::fuzz {

inline void Require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace pingan::fuzz
