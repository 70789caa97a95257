#!/usr/bin/env bash
# faultline sweep as a Slurm job array: task i of N runs 1/N of the sweep's runs (faultline reads
# SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT). All tasks write into
# the same results folder on the shared filesystem; the task that completes the sweep writes
# sweep.json, sweep.csv, sweep.html and the recommendation (docs/sweeps.md). A requeued task
# reruns only its missing runs.
#
#   sbatch docs/cluster/slurm-array.sh experiments/tune-ai-breaker.json
#   # or, to be sure the results exist once every task is done (merge checks none is missing):
#   jid=$(sbatch --parsable docs/cluster/slurm-array.sh experiments/tune-ai-breaker.json)
#   sbatch --dependency=afterok:$jid --wrap "faultline merge results/tune-ai-breaker"
#
# Environment: FAULTLINE (the binary, default: faultline on PATH), FAULTLINE_OUT (default results).
#SBATCH --job-name=faultline-sweep
#SBATCH --array=0-3
#SBATCH --cpus-per-task=4
#SBATCH --mem=1G
#SBATCH --time=01:00:00
#SBATCH --requeue
#SBATCH --output=faultline-sweep-%A_%a.out
set -euo pipefail

file=${1:?usage: sbatch slurm-array.sh EXPERIMENT.json}
faultline=${FAULTLINE:-faultline}
out=${FAULTLINE_OUT:-results}

# --jobs: the CPUs Slurm gave this task, not the node's.
exec "$faultline" sweep "$file" --out "$out" --jobs "${SLURM_CPUS_PER_TASK:-1}" --no-progress
