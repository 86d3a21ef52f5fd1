-- wrk: sends a fixed list of signed carrier webhook calls (one per line of WRK_EVENTS_FILE: "<timestamp>\t<signature>
-- \t<body>"), each exactly once, shared out between wrk's threads; a thread that got the answers to all of its calls
-- writes "<WRK_DONE_DIR>/<thread id>" and stops. Reports the answers (stored, duplicates, refused) and percentiles.
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local count = tonumber(os.getenv("WRK_THREADS"))
  lines, received, duplicates, refused, answered, i = {}, 0, 0, 0, 0, 0
  for line in io.lines(os.getenv("WRK_EVENTS_FILE")) do
    if i % count == id - 1 then lines[#lines + 1] = line end
    i = i + 1
  end
  path, cursor, finished = os.getenv("WRK_PATH"), 1, false
  -- wrk asks the first thread for one request before it starts, to check it, and never sends that one.
  checked = id ~= 1
end

function request()
  if cursor > #lines then
    -- Every call of this thread is out; a connection asking for more gets the bare view while answers come back.
    return wrk.format("GET", "/bench/bare/")
  end
  local ts, signature, body = lines[cursor]:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  if checked then cursor = cursor + 1 else checked = true end
  return wrk.format("POST", path, {["Content-Type"] = "application/json", ["X-Timestamp"] = ts,
                                    ["X-Signature"] = signature}, body)
end

function response(status, headers, body)
  if body ~= "ok" then
    answered = answered + 1
    last_answer = os.time()
    if status == 202 then
      received = received + tonumber(body:match('"received": *(%d+)') or 0)
      duplicates = duplicates + tonumber(body:match('"duplicates": *(%d+)') or 0)
    else
      refused = refused + 1
    end
  end
  -- Done when every call is answered; or, all sent, when no answer came for two seconds: wrk drops a request now
  -- and then when the server closes a connection as it is written (the bench sends those calls once more).
  if not finished and cursor > #lines and (answered >= #lines or os.time() - (last_answer or 0) >= 2) then
    finished = true
    local f = io.open(os.getenv("WRK_DONE_DIR") .. "/" .. id, "w")
    f:write(string.format("%d %d %d %d\n", answered, received, duplicates, refused))
    f:close()
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  for _, p in ipairs({50, 90, 95, 99}) do
    io.write(string.format("P%d %d\n", p, latency:percentile(p)))
  end
end
