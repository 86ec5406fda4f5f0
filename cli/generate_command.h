#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab generate --groups N --pops P [...] [-o FILE]`: writes a large synthetic
// request-routing scenario (YAML) for scale runs, e.g. 100,000 groups x 200 PoPs in flow mode.
// `cdnlab generate federation --cdns C --servers N [...]`: a synthetic federation scenario
// (scenarios/federation_10k.yaml with the defaults).
void AddGenerateCommand(CLI::App& app);

}  // namespace cdnlab::cli
