#pragma once
// Replacing a file so that a reader (knotd, or this program after a crash) sees either the old
// contents or the new ones, never a torn file.
#include <string>

#include <sys/types.h>

namespace cdnlab {

// Writes `bytes` to a temporary file next to `path`, sets `mode` (whatever the umask), syncs it
// and renames it over `path`; the temporary file is removed on failure. Throws
// std::runtime_error("cannot write PATH: reason").
void WriteFileAtomically(const std::string& path, const std::string& bytes, mode_t mode);

}  // namespace cdnlab
