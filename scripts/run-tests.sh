#!/bin/sh
# Runs each test binary given, prints its output, and ends with one line
# "N passed, N failed" summed over every Check suite that ran.
set -u
pass=0 fail=0 bad=0
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out"
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks: ' | tail -n 1)
    if [ -n "$line" ]; then
        n=$(echo "$line" | sed 's/.*Checks: \([0-9]*\).*/\1/')
        f=$(echo "$line" | sed 's/.*Failures: \([0-9]*\).*/\1/')
        e=$(echo "$line" | sed 's/.*Errors: \([0-9]*\).*/\1/')
        pass=$((pass + n - f - e)); fail=$((fail + f + e))
    fi
    [ $rc -ne 0 ] && bad=$((bad + 1)) && echo "FAILED: $t (exit $rc)"
done
echo "$pass passed, $fail failed"
[ $bad -eq 0 ] && [ $fail -eq 0 ]
