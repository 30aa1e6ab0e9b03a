#!/usr/bin/env bash
# Runs every Yagura test. Installs the system packages the integration tests talk to (real rsyslog with TLS,
# util-linux logger, openssl) when they are missing; needs root for that on a fresh Debian 12 machine.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v rsyslogd >/dev/null 2>&1 || need+=(rsyslog)
[[ -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so || -e /usr/lib/rsyslog/lmnsd_gtls.so ]] || need+=(rsyslog-gnutls)
command -v logger >/dev/null 2>&1 || need+=(bsdutils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if ((${#need[@]})); then
  echo "test.sh: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Yagura.slnx -c Release -nologo -v quiet
results=$(mktemp -d)
status=0
dotnet test Yagura.slnx -c Release --no-build -nologo --logger "trx" --results-directory "$results" "$@" || status=$?

# One plain closing line over every test project.
passed=0 failed=0 skipped=0
for f in "$results"/*.trx; do
  [[ -e $f ]] || continue
  line=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$line"); passed=$((passed + p))
  x=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$line"); failed=$((failed + x))
  s=$(sed -E 's/.* notExecuted="([0-9]+)".*/\1/' <<<"$line"); skipped=$((skipped + s))
done
rm -rf "$results"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
