-- wrk: the URL's own path and query plus a random extra parameter on every request (r=...), so that no cache keyed
-- by the query string can answer it: each request does the page's real work.
-- Plus the percentile reporter.
math.randomseed(os.time())
request = function()
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "r=" .. math.random(1, 1000000000))
end
done = function(summary, latency, requests)
  for _, p in ipairs({50, 90, 95, 99}) do
    io.write(string.format("P%d %d\n", p, latency:percentile(p)))
  end
end
