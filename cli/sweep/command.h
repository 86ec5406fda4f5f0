#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab sweep SWEEP.yaml [--jobs N] [--out DIR]`: every grid point x seed of the sweep file
// as its own `cdnlab run` child process, N at a time; aggregated into DIR/sweep.csv and
// DIR/sweep.json (mean and 95% confidence interval per metric and point).
//
// Across machines (issue 7), with the same DIR contents and byte-identical sweep.csv/json:
//   mpirun -n R cdnlab sweep SWEEP.yaml --out DIR [--jobs N]
//     MPI is initialised only when an MPI launcher is seen in the environment
//     (OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK); otherwise the sweep runs locally. Run i goes
//     to rank i % R, each rank runs its runs N at a time (default: hardware threads / ranks on the
//     machine), then sends each run's failure text and run-directory files to rank 0 over MPI (no
//     shared filesystem needed); rank 0 writes DIR/runs/<id>/ and the aggregate. A failed run
//     fails the sweep (exit 1, named with its rank and host); an error on a rank ends the job
//     with MPI_Abort instead of leaving the others waiting.
//   cdnlab sweep SWEEP.yaml --out DIR --slurm-script FILE [--sbatch OPT]...
//     writes an sbatch script (#SBATCH --array=0-(runs-1)); `bash FILE` submits it and a gather
//     job that depends on it. Each task runs `cdnlab sweep SWEEP.yaml --out DIR --slurm`
//     (= --task-id $SLURM_ARRAY_TASK_ID): only that run, into DIR/runs/<id>/ (DIR shared).
//   cdnlab sweep SWEEP.yaml --out DIR --gather
//     aggregates DIR/runs/*/summary.json; exit 1 naming the task ids that are missing.
void AddSweepCommand(CLI::App& app);

}  // namespace cdnlab::cli
