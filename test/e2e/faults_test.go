package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/solana-mcp/solana-mcp-server/pkg/rpcfake"
)

// TestUpstreamFaults drives the binary, configured with two upstream URLs, through the
// faults real providers show. Each case asserts the tool result the client saw, the
// error_type counted in /metrics, and that the replica stays healthy.
func TestUpstreamFaults(t *testing.T) {
	fx := fixtures(t)
	slot := string(fx["getSlot"].Result())
	garbage := &rpcfake.Fault{Status: 200, Body: []byte("<html>bad gateway</html>")}

	cases := []struct {
		name          string
		first, second *rpcfake.Fault
		tool, args    string
		// wantText is the exact result text, or a substring of the error text.
		wantText  string
		wantError string // error_type; "" for success
		// wantSent is how many requests the tool's method may reach the nodes with.
		wantSent int
		// timeout is SOLANA_MCP_RPC_TIMEOUT; default 1s.
		timeout string
	}{
		{name: "first URL fails with 500, second answers",
			first: &rpcfake.Fault{Status: 500, Body: []byte("internal error")},
			tool:  "getSlot", args: `{}`, wantText: slot, wantSent: 2},
		{name: "first URL resets the connection, second answers",
			first: &rpcfake.Fault{Reset: true},
			tool:  "getSlot", args: `{}`, wantText: slot, wantSent: 2},
		{name: "429 then success",
			first: &rpcfake.Fault{Status: 429, Header: http.Header{"Retry-After": {"1"}}, Times: 1},
			second: &rpcfake.Fault{Status: 429, Header: http.Header{"Retry-After": {"1"}},
				Times: 1},
			tool: "getSlot", args: `{}`, wantText: slot, wantSent: 3, timeout: "5s"},
		{name: "429 with a long Retry-After everywhere",
			first:  &rpcfake.Fault{Status: 429, Header: http.Header{"Retry-After": {"60"}}},
			second: &rpcfake.Fault{Status: 429, Header: http.Header{"Retry-After": {"60"}}},
			tool:   "getSlot", args: `{}`,
			wantText:  "upstream rate limited (HTTP 429) on mainnet",
			wantError: "rate_limited", wantSent: 2},
		{name: "429 without Retry-After everywhere",
			first:  &rpcfake.Fault{Status: 429},
			second: &rpcfake.Fault{Status: 429},
			tool:   "getSlot", args: `{}`,
			wantText:  "retry later",
			wantError: "rate_limited", wantSent: 6},
		{name: "hang ends at the deadline",
			first:  &rpcfake.Fault{Hang: true},
			second: &rpcfake.Fault{Hang: true},
			tool:   "getSlot", args: `{}`,
			wantText: "timed out", wantError: "timeout", wantSent: 2},
		{name: "garbage body",
			first: garbage, second: garbage,
			tool: "getSlot", args: `{}`,
			wantText: "not a JSON-RPC response", wantError: "upstream", wantSent: 6},
		{name: "connection reset everywhere",
			first:  &rpcfake.Fault{Reset: true},
			second: &rpcfake.Fault{Reset: true},
			tool:   "getSlot", args: `{}`,
			wantText: "cannot reach upstream on mainnet", wantError: "network", wantSent: 6},
		{name: "JSON-RPC error is final",
			first: &rpcfake.Fault{Status: 200, Body: fx["error_invalid_param_wrongsize"].Response},
			tool:  "getBalance", args: `{"pubkey":"11111111111111111111111111111111"}`,
			wantText:  "RPC error -32602: Invalid param: WrongSize",
			wantError: "rpc", wantSent: 1},
		{name: "write tool is never sent twice",
			first: &rpcfake.Fault{Status: 500},
			tool:  "sendTransaction", args: `{"transaction":"3Bxs4Bc3VYuGVB19"}`,
			wantText: "may have received the transaction", wantError: "upstream", wantSent: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			first, second := rpcfake.New(), rpcfake.New()
			defer first.Close()
			defer second.Close()
			for _, n := range []*rpcfake.Server{first, second} {
				n.SetFixture(fx["getSlot"])
				n.SetResult("sendTransaction", []byte(`"sig"`))
			}
			if c.first != nil {
				first.SetFault(rpcfake.AnyMethod, c.first)
			}
			if c.second != nil {
				second.SetFault(rpcfake.AnyMethod, c.second)
			}
			if c.timeout == "" {
				c.timeout = "1s"
			}
			srv := start(t, "SOLANA_RPC_URL="+first.URL()+","+second.URL(),
				"SOLANA_MCP_RPC_TIMEOUT="+c.timeout, "SOLANA_MCP_ENABLE_WRITE_TOOLS=true",
				"SOLANA_MCP_UPSTREAM_MAX_RETRY_AFTER=2s")
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cs := connect(t, ctx, srv.base+"/mcp", "2025-11-25")

			started := time.Now()
			res := callTool(t, ctx, cs, c.tool, c.args)
			took := time.Since(started)
			got := text(t, res)

			if c.wantError == "" {
				if res.IsError || got != c.wantText {
					t.Fatalf("isError=%v text=%q, want success %q", res.IsError, got, c.wantText)
				}
			} else if !res.IsError || !strings.Contains(got, c.wantText) {
				t.Fatalf("isError=%v text=%q, want an error containing %q",
					res.IsError, got, c.wantText)
			}
			if took > 5*time.Second {
				t.Errorf("call took %s; the 1s deadline should bound it", took)
			}
			sent := first.Count(c.tool) + second.Count(c.tool)
			if sent != c.wantSent {
				t.Errorf("nodes received %s %d times, want %d", c.tool, sent, c.wantSent)
			}

			fams := scrape(t, srv.base)
			labels := map[string]string{"method": c.tool, "network": "mainnet"}
			if c.wantError == "" {
				if n := counter(fams, "solana_mcp_rpc_requests_successful_total", labels); n != 1 {
					t.Errorf("successful_total = %v, want 1", n)
				}
			} else {
				labels["error_type"] = c.wantError
				if n := counter(fams, "solana_mcp_rpc_requests_failed_total", labels); n != 1 {
					t.Errorf("failed_total{error_type=%s} = %v, want 1", c.wantError, n)
				}
			}
			if code, _ := srv.status("/health"); code != http.StatusOK {
				t.Errorf("/health = %d, want 200", code)
			}
			t.Logf("client saw: isError=%v %q", res.IsError, firstLine(got))
		})
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	if len(line) > 160 {
		line = line[:160] + "..."
	}
	return line
}
