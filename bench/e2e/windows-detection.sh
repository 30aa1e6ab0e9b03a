#!/usr/bin/env bash
# End-to-end ingest with detection: Windows events (flat JSON, one per line) over TCP on loopback into `yagura serve`,
# with every SigmaHQ rule for Windows loaded, against the same stream with no rules (see ../../docs/benchmarks.md).
#
#   bench/e2e/windows-detection.sh [EVENTS] [ROUNDS]
#
# The events are the benchmark's generated Windows corpus (--windows-corpus: Sysmon and Security events with varied
# values and one SigmaHQ regression event in every 1,000). Reported per round and configuration: the rate from the
# start of the sender to the moment the last event is stored and has been through detection (/healthz "stored"
# counts events after their batch's detection), and the alerts stored.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
ROUNDS=${2:-3}
WORK=${WORK:-/tmp/yagura-e2e-detection}
SIGMA=${SIGMA:-$PWD/../shared/sigma}
mkdir -p "$WORK"

export DEBIAN_FRONTEND=noninteractive
command -v curl >/dev/null || { apt-get update -qq; apt-get install -y -qq curl >/dev/null; }

dotnet publish src/Yagura.Cli -c Release -o "$WORK/bin" -nologo -v quiet >/dev/null
dotnet publish bench/Yagura.Benchmarks -c Release -o "$WORK/bench" -nologo -v quiet >/dev/null
YAGURA="$WORK/bin/yagura"
WAIT=("$WORK/bench/Yagura.Benchmarks" --e2e-wait)
EVENTS="$WORK/windows-$N.ndjson"
[[ -s "$EVENTS" ]] || "$WORK/bench/Yagura.Benchmarks" --windows-corpus "$N" "$EVENTS" "$SIGMA/regression_data" >/dev/null
RULES=("$SIGMA/rules/windows" "$SIGMA/rules-threat-hunting/windows" "$SIGMA/rules-placeholder/windows"
  "$SIGMA/rules-emerging-threats" "$SIGMA/rules-dfir" "$SIGMA/rules-compliance")
mkdir -p "$WORK/no-rules"

now() { date +%s.%N; }

# round RULE_PATH...: prints "rate alerts"
round() {
  local dir="$WORK/yg" http=18081 port=15515
  rm -rf "$dir"; sync; sleep 1; mkdir -p "$dir"
  local token; token=$("$YAGURA" token create --data "$dir" --tenant default --role admin)
  "$YAGURA" serve --data "$dir" --http 127.0.0.1:$http --syslog-udp 0 --syslog-tcp $port --rules "$@" >"$dir/serve.log" 2>&1 & local pid=$!
  until curl -fs "http://127.0.0.1:$http/healthz" >/dev/null; do sleep 0.1; done
  "${WAIT[@]}" healthz "http://127.0.0.1:$http/healthz" "$token" "$N" >"$dir/times" & local waiter=$!
  sleep 1
  local t0; t0=$(now)
  cat "$EVENTS" >/dev/tcp/127.0.0.1/$port
  wait "$waiter"
  local ta ts; read -r ta ts <"$dir/times"
  local alerts
  alerts=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$http/healthz" | grep -o '"alerts":[0-9]*' | grep -o '[0-9]*' || echo "?")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(echo "$N / ($ts - $t0)" | bc -l) $alerts"
}

echo "machine: $(nproc) cores, $(free -h | awk '/Mem:/{print $2}') RAM; N=$N; $(date -u +%Y-%m-%dT%H:%MZ)"
full=(); none=()
for ((r = 1; r <= ROUNDS; r++)); do
  read -r a alerts < <(round "${RULES[@]}"); full+=("$a")
  read -r b _ < <(round "$WORK/no-rules"); none+=("$b")
  printf 'round %d: SigmaHQ Windows rules %.0f events/s (%s alerts) | no rules %.0f events/s\n' "$r" "$a" "$alerts" "$b"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf 'median: SigmaHQ Windows rules %.0f events/s | no rules %.0f events/s\n' "$(median "${full[@]}")" "$(median "${none[@]}")"
