-- wrk script: counts the answers whose status is not the expected one,
-- and prints one machine-readable line at the end:
--   RESULT <requests> <req/s> <p50 us> <p99 us> <expected> <unexpected>
--          <socket errors> <bytes/request>
-- usage: wrk ... -s check.lua URL -- EXPECTED_STATUS

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    expected = tonumber(args[1]) or 200
    good = 0
    bad = 0
end

function response(status, headers, body)
    if status == expected then
        good = good + 1
    else
        bad = bad + 1
    end
end

function done(summary, latency, requests)
    local good_total, bad_total = 0, 0
    for _, t in ipairs(threads) do
        good_total = good_total + t:get("good")
        bad_total = bad_total + t:get("bad")
    end
    local e = summary.errors
    local sock = e.connect + e.read + e.write + e.timeout
    local n = summary.requests
    local secs = summary.duration / 1e6
    io.write(string.format("RESULT %d %.1f %d %d %d %d %d %d\n",
        n, n / secs, latency:percentile(50), latency:percentile(99),
        good_total, bad_total, sock, n > 0 and math.floor(summary.bytes / n) or 0))
end
