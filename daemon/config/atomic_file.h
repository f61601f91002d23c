// WriteFileAtomically: replaces a file so that readers see the old or the new content,
// never a mix, and the new content survives a crash once it returns (temporary file in
// the same directory, fsync, rename, fsync of the directory). For the small files the
// daemon writes while running: school keys, the imported-schools overlay. Thread-safe.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace pingan::config {

// Returns an error text naming the path, or nullopt. The file gets `mode` exactly.
std::optional<std::string> WriteFileAtomically(const std::string& path, std::string_view content,
                                               mode_t mode);

}  // namespace pingan::config
