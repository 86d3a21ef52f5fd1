-- wrk: every request asks for a random page of the list (page=1..PAGES) with a random extra parameter, so each
-- misses the results cache (the parameter changes the key, not the results)
-- Plus the percentile reporter. The path comes from the environment (WRK_PATH); WRK_EXTRA adds fixed parameters
-- (e.g. "view=dense&per_page=100").
local path = os.getenv("WRK_PATH") or "/catalog/"
local pages = tonumber(os.getenv("WRK_PAGES") or "4000")
local extra = os.getenv("WRK_EXTRA")
extra = (extra and extra ~= "") and ("&" .. extra) or ""
math.randomseed(os.time())
request = function()
  return wrk.format(nil, path .. "?page=" .. math.random(1, pages) .. "&r=" .. math.random(1, 1000000000) .. extra)
end
done = function(summary, latency, requests)
  for _, p in ipairs({50, 90, 95, 99}) do
    io.write(string.format("P%d %d\n", p, latency:percentile(p)))
  end
end
