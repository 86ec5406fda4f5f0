#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab generate --groups N --pops P [...] [-o FILE]`: writes a large synthetic
// request-routing scenario (YAML) for scale runs, e.g. 100,000 groups x 200 PoPs in flow mode.
void AddGenerateCommand(CLI::App& app);

}  // namespace cdnlab::cli
