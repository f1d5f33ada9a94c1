#!/usr/bin/env bash
# Times MatMul.matmul (JMH) and torch.nn.functional.linear on the same shapes, back to back, so both
# see the same machine load. Run from the repository root after
#   mvn -q -o package -pl benchmarks -am -DskipTests
# Usage: benchmarks/scripts/compare_matmul.sh [rounds]
set -euo pipefail
rounds=${1:-1}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
python=${PYTHON:-.venv/bin/python}
out=$(mktemp -d)
for r in $(seq 1 "$rounds"); do
  echo "== round $r: $(uptime)"
  "$java" --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar MatMulBenchmark \
      -f 1 -wi 3 -i 5 -w 1 -r 1 -rf json -rff "$out/jmh-$r.json" > "$out/jmh-$r.log"
  python3 benchmarks/scripts/jmh_gflops.py "$out/jmh-$r.json"
  "$python" benchmarks/scripts/torch_linear.py --threads 2 --seconds 3
done
