#pragma once
// `cdnlab sweep` as a Slurm job array (issue 7): one array task per expanded run, then a gather
// step that aggregates DIR/runs/*/summary.json. The tasks write into DIR, so DIR must be on a
// filesystem every node sees (unlike the MPI mode, which ships results to rank 0).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cdnlab::cli {

// The run index for task mode: `task_id_option` (from --task-id) when set, else the value of
// SLURM_ARRAY_TASK_ID (`env_value`, nullptr when unset). Throws std::invalid_argument with a
// message naming the source when it is missing, not a plain decimal number or >= `runs`.
std::size_t ResolveSweepTaskId(const std::optional<std::string>& task_id_option, const char* env_value,
                               std::size_t runs);

struct SlurmScriptInput {
  std::string cdnlab;      // absolute path of the cdnlab binary
  std::string sweep_file;  // absolute
  std::string out_dir;     // absolute
  std::string script;      // the script's own path (for the instructions)
  std::size_t runs = 0;
  std::size_t points = 0;
  std::size_t seeds = 0;
  std::vector<std::string> sbatch_options;  // extra "#SBATCH ..." lines, e.g. "--partition=short"
};

// An sbatch script: `#SBATCH --array=0-(runs-1)` running `cdnlab sweep FILE --out DIR --slurm`
// per task. Run as `bash SCRIPT` (outside a job), it submits itself and a gather job that
// depends on the array (afterany), so the gather runs and names missing runs even when tasks fail.
std::string SlurmArrayScript(const SlurmScriptInput& input);

// POSIX shell single-quoting.
std::string ShellQuote(const std::string& text);

}  // namespace cdnlab::cli
