#!/usr/bin/env bash
# The prepared GPU check: builds with -Pcuda (CUDA 11.6 backend on top of the CPU one), then on
# one machine prints one table: the golden tensor_quant/seed_example vectors replayed through each kernel
# path on the running backend, and fake-quant throughput on 256M float32 against a copy of the same bytes
# in the same memory (device-to-device on a GPU).
#
#   benchmarks/gpu-check.sh                 # GPU machine: -Pcuda build, CUDA backend if it can run
#   benchmarks/gpu-check.sh --cpu           # dry run with the CPU backend, same table
#   benchmarks/gpu-check.sh --elements 16777216 --reps 5
#
# Offline machines: carry a Maven repository that holds the -Pcuda dependencies (fill it here with
#   mvn -Pcuda -Dmaven.repo.local=/path/to/repo -DskipTests package
# ) and pass it with MAVEN_REPO=/path/to/repo; the script then runs Maven offline.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
profile="-Pcuda"
args=()
for a in "$@"; do
  case "$a" in
    --cpu) profile="" ;;
    *) args+=("$a") ;;
  esac
done
mvn_opts=(-B -q)
if [[ -n "${MAVEN_REPO:-}" ]]; then
  mvn_opts+=(-o "-Dmaven.repo.local=$MAVEN_REPO")
fi
cd "$root"
# One reactor build: the class path points at this checkout's modules, not at installed jars.
cp_file="$here/target/gpu-check.classpath"
mvn "${mvn_opts[@]}" $profile -pl benchmarks -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" >/dev/null
golden="${QUANT4J_GOLDEN:-$root/golden}"
exec java --add-modules=jdk.incubator.vector -Xmx${GPU_CHECK_HEAP:-8g} -Dquant4j.golden="$golden" \
  -cp "$here/target/classes:$(cat "$cp_file")" org.quant4j.benchmarks.GpuCheck "${args[@]}"
