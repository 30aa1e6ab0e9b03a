#!/usr/bin/env bash
# End-to-end syslog TCP ingest on loopback, Yagura against rsyslog, in the same run (see ../../docs/benchmarks.md).
#
#   bench/e2e/syslog-tcp-vs-rsyslog.sh [MESSAGES] [ROUNDS]
#
# One sender process (syslog-ng's loggen) sends MESSAGES RFC 5424 messages of ~300 bytes over one TCP connection,
# octet-counted. rsyslog (imptcp -> omfile) and `yagura serve` receive the same stream, alternately (A B A B …).
# Reported: rsyslog's written-to-file rate; Yagura's accept rate (spooled) and searchable rate (stored and indexed),
# all from the start of the sender to the moment the last message is written / spooled / stored.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-2000000}
ROUNDS=${2:-3}
WORK=${WORK:-/tmp/yagura-e2e}
rm -rf "$WORK"; mkdir -p "$WORK"

export DEBIAN_FRONTEND=noninteractive
command -v rsyslogd >/dev/null || { apt-get update -qq; apt-get install -y -qq rsyslog >/dev/null; }
command -v curl >/dev/null || { apt-get update -qq; apt-get install -y -qq curl >/dev/null; }
# loggen ships in syslog-ng-core, which conflicts with rsyslog: unpack it without installing.
if [[ ! -x /tmp/sng/usr/bin/loggen ]]; then
  (cd /tmp && rm -f syslog-ng-core_*.deb && apt-get download syslog-ng-core >/dev/null 2>&1 || { apt-get update -qq && apt-get download syslog-ng-core >/dev/null; }; dpkg -x syslog-ng-core_*.deb /tmp/sng)
fi
export LD_LIBRARY_PATH=/tmp/sng/usr/lib/syslog-ng SYSLOGNG_PREFIX=/tmp/sng/usr
LOGGEN=/tmp/sng/usr/bin/loggen

dotnet publish src/Yagura.Cli -c Release -o "$WORK/bin" -nologo -v quiet >/dev/null
dotnet publish bench/Yagura.Benchmarks -c Release -o "$WORK/bench" -nologo -v quiet >/dev/null
YAGURA="$WORK/bin/yagura"
# One stopwatch process for both receivers, polling every 20 ms in-process (EndToEndWait.cs): a curl or stat per
# poll would cost a large share of the two cores and bias the comparison.
WAIT=("$WORK/bench/Yagura.Benchmarks" --e2e-wait)

now() { date +%s.%N; }
# Each round starts on a quiet machine: the previous round's output removed and flushed to disk, so neither
# receiver pays for the other's page-cache writeback.
quiet() { rm -rf "$WORK/rs" "$WORK/yg"; sync; sleep 1; }

rsyslog_round() {
  local dir="$WORK/rs" port=10514
  quiet; mkdir -p "$dir"
  cat >"$dir/rs.conf" <<CONF
global(workDirectory="$dir" maxMessageSize="64k")
module(load="imptcp" threads="1")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="b" queue.type="fixedArray" queue.size="250000" queue.dequeueBatchSize="4096" queue.workerThreads="1"){
  action(type="omfile" file="$dir/out.log" template="raw" ioBufferSize="64k" flushOnTXEnd="off" asyncWriting="on")}
input(type="imptcp" port="$port" ruleset="b" SupportOctetCountedFraming="on")
CONF
  rsyslogd -n -f "$dir/rs.conf" -i "$dir/pid" & local pid=$!
  until (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do sleep 0.05; done
  "${WAIT[@]}" lines "$dir/out.log" "$N" >"$dir/times" & local waiter=$!
  sleep 1 # the stopwatch's own start-up is over before the clock starts
  local t0; t0=$(now)
  $LOGGEN --inet --stream -P --size 300 --rate 10000000 --number "$N" 127.0.0.1 $port >/dev/null 2>&1
  wait "$waiter"
  local t1; t1=$(<"$dir/times")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$N / ($t1 - $t0)" | bc -l
}

yagura_round() {
  local dir="$WORK/yg" http=18080 port=15514
  quiet; mkdir -p "$dir"
  local token; token=$("$YAGURA" token create --data "$dir" --tenant default --role admin)
  "$YAGURA" serve --data "$dir" --http 127.0.0.1:$http --syslog-udp 0 --syslog-tcp $port >"$dir/serve.log" 2>&1 & local pid=$!
  until curl -fs "http://127.0.0.1:$http/healthz" >/dev/null; do sleep 0.05; done
  "${WAIT[@]}" healthz "http://127.0.0.1:$http/healthz" "$token" "$N" >"$dir/times" & local waiter=$!
  sleep 1
  local t0; t0=$(now)
  $LOGGEN --inet --stream -P --size 300 --rate 10000000 --number "$N" 127.0.0.1 $port >/dev/null 2>&1
  wait "$waiter"
  local ta ts; read -r ta ts <"$dir/times"
  local count
  count=$("$YAGURA" search --data "$dir" --json '| stats count()' 2>/dev/null | grep -o '[0-9]*' || echo "?")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(echo "$N / ($ta - $t0)" | bc -l) $(echo "$N / ($ts - $t0)" | bc -l) $count"
}

echo "machine: $(nproc) cores, $(free -h | awk '/Mem:/{print $2}') RAM; N=$N; $(date -u +%Y-%m-%dT%H:%MZ)"
rs=(); acc=(); srch=()
for ((r = 1; r <= ROUNDS; r++)); do
  a=$(rsyslog_round); rs+=("$a")
  read -r b c n < <(yagura_round); acc+=("$b"); srch+=("$c")
  printf 'round %d: rsyslog %.0f/s | yagura accepted %.0f/s, searchable %.0f/s (stored count %s)\n' "$r" "$a" "$b" "$c" "$n"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mr=$(median "${rs[@]}"); ma=$(median "${acc[@]}"); ms=$(median "${srch[@]}")
printf 'median: rsyslog %.0f/s | yagura accepted %.0f/s (ratio %.2f), searchable %.0f/s\n' "$mr" "$ma" "$(echo "$ma / $mr" | bc -l)" "$ms"
