#include "cli/sweep/slurm.h"

#include <fmt/format.h>

#include <stdexcept>

namespace cdnlab::cli {

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::size_t ResolveSweepTaskId(const std::optional<std::string>& task_id_option, const char* env_value,
                               std::size_t runs) {
  std::string text;
  std::string source;
  if (task_id_option) {
    text = *task_id_option;
    source = "--task-id";
  } else {
    if (env_value == nullptr) {
      throw std::invalid_argument(
          "--slurm: SLURM_ARRAY_TASK_ID is not set (not a Slurm array task?); give the run index with --task-id K");
    }
    text = env_value;
    source = "SLURM_ARRAY_TASK_ID";
  }
  const std::string range = runs == 0 ? "the sweep has no runs" : fmt::format("expected 0-{}", runs - 1);
  const bool digits = !text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits) throw std::invalid_argument(fmt::format("{} '{}' is not a run index ({})", source, text, range));
  const std::size_t id = std::stoull(text);
  if (id >= runs) {
    throw std::invalid_argument(
        fmt::format("{} {} is out of range: the sweep has {} run(s) ({})", source, id, runs, range));
  }
  return id;
}

std::string SlurmArrayScript(const SlurmScriptInput& in) {
  const std::string task_command =
      fmt::format("{} sweep {} --out {} --slurm", ShellQuote(in.cdnlab), ShellQuote(in.sweep_file),
                  ShellQuote(in.out_dir));
  const std::string gather_command =
      fmt::format("{} sweep {} --out {} --gather", ShellQuote(in.cdnlab), ShellQuote(in.sweep_file),
                  ShellQuote(in.out_dir));
  std::string s;
  s += "#!/bin/bash\n";
  s += fmt::format("# cdnlab sweep {} as a Slurm job array: {} run(s) ({} grid point(s) x {} seed(s)),\n",
                   in.sweep_file, in.runs, in.points, in.seeds);
  s += "# one array task per run (task k = run index k), each writing its own directory under\n";
  s += fmt::format("# {}/runs/, so that directory must be on a filesystem all nodes share.\n", in.out_dir);
  s += "#\n";
  s += "# Submit the array and the gather step (a job that waits for the whole array, afterany, so\n";
  s += "# it also runs when tasks failed and then names the missing runs) with\n";
  s += fmt::format("#   bash {}\n", ShellQuote(in.script));
  s += "# or by hand:\n";
  s += fmt::format("#   jobid=$(sbatch --parsable {})\n", ShellQuote(in.script));
  s += fmt::format("#   sbatch --dependency=afterany:${{jobid%%;*}} --wrap={}\n", ShellQuote(gather_command));
  s += "# Rerun one failed task k with: sbatch --array=k SCRIPT, then the gather command again:\n";
  s += fmt::format("#   {}\n", gather_command);
  s += "#SBATCH --job-name=cdnlab-sweep\n";
  s += fmt::format("#SBATCH --array=0-{}\n", in.runs - 1);
  s += "#SBATCH --ntasks=1\n";
  s += "#SBATCH --cpus-per-task=1\n";
  s += fmt::format("#SBATCH --output={}/slurm/%A_%a.log\n", in.out_dir);
  for (const auto& option : in.sbatch_options) s += fmt::format("#SBATCH {}\n", option);
  s += "set -eu\n";
  s += "if [ -z \"${SLURM_ARRAY_TASK_ID:-}\" ]; then\n";
  s += "  # Not an array task: submit the array, then the gather job that depends on it.\n";
  s += "  jobid=$(sbatch --parsable \"$0\")\n";
  s += "  jobid=${jobid%%;*}\n";
  s += fmt::format(
      "  gather=$(sbatch --parsable --dependency=afterany:\"$jobid\" --job-name=cdnlab-sweep-gather "
      "--output={} --wrap={})\n",
      ShellQuote(in.out_dir + "/slurm/gather-%j.log"), ShellQuote(gather_command));
  s += fmt::format(
      "  echo \"cdnlab sweep: submitted array job $jobid ({} tasks) and gather job ${{gather%%;*}}; results in\" {}\n",
      in.runs, ShellQuote(in.out_dir + "/sweep.csv"));
  s += "  exit 0\n";
  s += "fi\n";
  s += fmt::format("exec {}\n", task_command);
  return s;
}

}  // namespace cdnlab::cli
