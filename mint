#!/usr/bin/env bash
# The MinT command line. Builds the project on first use (or when a source is newer than the last build), then runs
# ai.mint.cli.MintCli on the launcher's classpath. Needs only Java 17+ and Maven 3.8+.
#   ./mint --help          every command        ./mint quickstart   the platform end to end
# Environment: MINT_JAVA_OPTS (extra JVM flags), DJL_CACHE_DIR (PyTorch natives, default ~/.djl.ai),
#              MINT_SKIP_BUILD=1 (never build), MINT_DEBUG=1 (stack traces on errors).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLASSPATH_FILE="$ROOT/launcher/target/classpath.txt"
CLASSES="$ROOT/launcher/target/classes"

command -v java >/dev/null || { echo "mint: java not found; install Java 17 or newer" >&2; exit 3; }

needs_build() {
  [[ -f "$CLASSPATH_FILE" && -d "$CLASSES" ]] || return 0
  # any main source, schema, resource or pom newer than the last build (tests do not change what runs)
  [[ -n "$(cd "$ROOT" && find . \( -name target -o -name .git -o -name .mint \) -prune -o -type f \
      \( -name '*.java' -o -name '*.avsc' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
      -not -path '*/src/test/*' -newer "$CLASSPATH_FILE" -print -quit)" ]]
}

build() {
  command -v mvn >/dev/null || { echo "mint: mvn not found; install Maven 3.8 or newer" >&2; exit 3; }
  echo "mint: building the project (first use or sources changed; a first build downloads dependencies) ..." >&2
  local mvn_cmd=(mvn -B -q -DskipTests install)
  # other builds on this machine share ~/.m2: one Maven at a time
  if command -v flock >/dev/null; then mvn_cmd=(flock /tmp/mint-mvn.lock "${mvn_cmd[@]}"); fi
  # offline first (fast, works where ~/.m2 is complete); only missing artifacts send a fresh machine online
  local offline_log
  offline_log="$(mktemp -t mint-build.XXXXXX)"
  if ! (cd "$ROOT" && "${mvn_cmd[@]}" -o >"$offline_log" 2>&1); then
    if grep -qiE 'offline mode|could not be resolved|cannot access .* in offline' "$offline_log"; then
      (cd "$ROOT" && "${mvn_cmd[@]}") || { echo "mint: the build failed (see above)" >&2; exit 1; }
    else
      cat "$offline_log" >&2
      rm -f "$offline_log"
      echo "mint: the build failed (see above)" >&2
      exit 1
    fi
  fi
  rm -f "$offline_log"
  touch "$CLASSPATH_FILE"
}

if [[ "${MINT_SKIP_BUILD:-0}" != 1 ]] && needs_build; then
  build
fi

export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.djl.ai}"
# PyTorch's OpenMP threads spin while idle; on a small shared machine that makes every op 10-50x slower
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# shellcheck disable=SC2086  # MINT_JAVA_OPTS is a list of flags
exec java ${MINT_JAVA_OPTS:-} \
  -Dmint.home="$ROOT" \
  -Dai.djl.offline=true \
  -DDJL_CACHE_DIR="$DJL_CACHE_DIR" \
  -cp "$CLASSES:$(cat "$CLASSPATH_FILE")" \
  ai.mint.cli.MintCli "$@"
