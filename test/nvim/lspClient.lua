-- Headless Neovim 0.7 as an independent LSP client for iptables-lens (test-harness.md §6).
-- Reads a JSON job from $IPL_NVIM_JOB, starts `node <server> --stdio`, waits for diagnostics, sends the
-- job's requests, optionally applies a code action, and writes everything as JSON to $IPL_NVIM_OUT.
-- Exits 0 when the script itself ran to the end (the mocha test judges the content), 1 otherwise.
-- vim.lsp.start does not exist in 0.7; start_client + buf_attach_client is the 0.7 API.

local out_path = os.getenv('IPL_NVIM_OUT')
local result = { errors = {}, responses = {}, diagnostics = {} }

local function finish()
  local f = io.open(out_path, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  if #result.errors == 0 then vim.cmd('qall!') else vim.cmd('cquit!') end
end

local function fail(message)
  table.insert(result.errors, message)
end

local function snapshot(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(list, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, message = d.message, source = d.source, code = lsp.code,
    })
  end
  return list
end

-- The raw LSP diagnostic (range, code, data …) as the server sent it: code actions need it back.
local function lsp_diagnostic(d)
  local lsp = (d.user_data or {}).lsp or {}
  return {
    range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    severity = d.severity, message = d.message, source = d.source,
    code = lsp.code, data = lsp.data, tags = lsp.tags, relatedInformation = lsp.relatedInformation,
  }
end

local ok, err = pcall(function()
  local job = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('IPL_NVIM_JOB')), '\n'))
  vim.cmd('edit ' .. vim.fn.fnameescape(job.file))
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'iptables-lens',
    cmd = job.cmd,
    root_dir = job.root,
    on_exit = function(code) if code ~= 0 then fail('server exit ' .. code) end end,
  })
  if not client_id then return fail('start_client failed') end
  vim.lsp.buf_attach_client(buf, client_id)
  local timeout = job.timeout or 10000

  if not vim.wait(timeout, function() return #vim.diagnostic.get(buf) > 0 end, 10) then
    fail('no diagnostics within ' .. timeout .. ' ms')
  end
  result.diagnostics = snapshot(buf)

  for i, request in ipairs(job.requests or {}) do
    local params = { textDocument = vim.lsp.util.make_text_document_params(buf) }
    if request.position then params.position = request.position end
    if request.method == 'textDocument/codeAction' then
      local wanted = {}
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        local code = ((d.user_data or {}).lsp or {}).code
        if code == request.diagnosticCode then table.insert(wanted, d) end
      end
      if #wanted == 0 then fail('no diagnostic with code ' .. tostring(request.diagnosticCode)) break end
      params.range = lsp_diagnostic(wanted[1]).range
      params.context = { diagnostics = vim.tbl_map(lsp_diagnostic, wanted), only = { 'quickfix' } }
    end
    local responses = vim.lsp.buf_request_sync(buf, request.method, params, timeout)
    local response = responses and responses[client_id]
    if not response then fail(request.method .. ': no response') break end
    if response.err then fail(request.method .. ': ' .. vim.inspect(response.err)) end
    result.responses[i] = response.result == nil and vim.NIL or response.result

    if request.apply and type(response.result) == 'table' and response.result[1] then
      local action = response.result[1]
      if action.edit then vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16') end
      local gone = vim.wait(timeout, function()
        for _, d in ipairs(vim.diagnostic.get(buf)) do
          if ((d.user_data or {}).lsp or {}).code == request.diagnosticCode then return false end
        end
        return true
      end, 10)
      if not gone then fail('diagnostic ' .. request.diagnosticCode .. ' still present after the fix') end
      result.textAfterFix = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') .. '\n'
      result.diagnosticsAfterFix = snapshot(buf)
    end
  end
  vim.lsp.stop_client(client_id)
end)
if not ok then fail('lua error: ' .. tostring(err)) end
finish()
