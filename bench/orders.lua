-- wrk: each request places an order for one of the bench dealers (a token each, chosen in turn), with a fresh
-- Idempotency-Key, through the API; plus the percentile reporter. Tokens and the body come from the environment.
local tokens = {}
for token in string.gmatch(os.getenv("WRK_TOKENS") or "", "[^,]+") do tokens[#tokens + 1] = token end
local body = os.getenv("WRK_BODY") or "{}"
local counter = 0
-- Each wrk thread has its own Lua state: a table's address tells them apart, the clock tells runs apart.
local me = string.format("%s-%d", tostring({}):gsub("table: ", ""), os.time())
request = function()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local headers = {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json",
                   ["Idempotency-Key"] = string.format("bench-%s-%d", me, counter)}
  return wrk.format("POST", nil, headers, body)
end
done = function(summary, latency, requests)
  for _, p in ipairs({50, 90, 95, 99}) do
    io.write(string.format("P%d %d\n", p, latency:percentile(p)))
  end
end
