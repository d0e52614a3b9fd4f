#!/usr/bin/env bash
# Builds the benchmarks module and runs JMH. Arguments go to JMH, e.g.
#   benchmarks/run.sh -f 1 -wi 2 -i 3 FakeQuant
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
# One reactor build: the class path then points at this checkout's runtime, never at a jar installed
# in the local repository (which another checkout may have overwritten).
cp_file="$here/target/classpath.txt"
mvn -B -q ${MAVEN_OFFLINE:-} -pl benchmarks -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" >/dev/null
java --add-modules=jdk.incubator.vector -cp "$here/target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main "$@"
