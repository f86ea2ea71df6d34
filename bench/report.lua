-- wrk report for bench/run.py: one machine-readable line at the end of a run.
-- Latencies from wrk are in microseconds; the line gives milliseconds.
-- errors_status counts responses with a status >= 400 (wrk's own definition).

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local rps = 0
  if seconds > 0 then
    rps = summary.requests / seconds
  end
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_s=%.3f rps=%.2f mean_ms=%.3f p50_ms=%.3f p90_ms=%.3f p95_ms=%.3f" ..
    " p99_ms=%.3f max_ms=%.3f bytes=%d errors_connect=%d errors_read=%d errors_write=%d" ..
    " errors_status=%d errors_timeout=%d\n",
    summary.requests, seconds, rps, latency.mean / 1000,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout
  ))
end
