-- wrk reporter: exact latency percentiles in microseconds, one per line ("P50 1234").
done = function(summary, latency, requests)
  for _, p in ipairs({50, 90, 95, 99}) do
    io.write(string.format("P%d %d\n", p, latency:percentile(p)))
  end
end
