package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/solana-mcp/solana-mcp-server/pkg/rpcfake"
)

// call is one tool call answered from a fixture.
type call struct {
	tool, fixture string
	// args are the tool arguments; wantParams the params the node must receive
	// (empty: no params member at all).
	args, wantParams string
}

// fixtureCalls covers every fixture that records a request. wantParams shows the
// server's defaults at work: the configured commitment, base64 account encoding and
// maxSupportedTransactionVersion are added only where the caller gave none.
var fixtureCalls = []call{
	{"getAccountInfo", "getAccountInfo_base58",
		`{"pubkey":"vines1vzrYbzLMRdu58ou5XTby4qAqVRLmqo36NKPTg","commitment":"finalized","encoding":"base58"}`,
		`["vines1vzrYbzLMRdu58ou5XTby4qAqVRLmqo36NKPTg",{"commitment":"finalized","encoding":"base58"}]`},
	{"getAccountInfo", "getAccountInfo_base64",
		`{"pubkey":"7xLk17EQQ5KLDLDe44wCmupJKJjTGd8hs3eSVVhCx932","encoding":"base64"}`,
		`["7xLk17EQQ5KLDLDe44wCmupJKJjTGd8hs3eSVVhCx932",{"commitment":"confirmed","encoding":"base64"}]`},
	{"getBalance", "getBalance",
		`{"pubkey":"83astBRguLMdt2h5U1Tpdq5tjFoJ6noeGwaY3mDLVcri","commitment":"finalized"}`,
		`["83astBRguLMdt2h5U1Tpdq5tjFoJ6noeGwaY3mDLVcri",{"commitment":"finalized"}]`},
	{"getBlock", "getBlock",
		`{"slot":378967388,"commitment":"finalized","encoding":"json","transactionDetails":"full","maxSupportedTransactionVersion":0,"rewards":false}`,
		`[378967388,{"commitment":"finalized","encoding":"json","transactionDetails":"full","maxSupportedTransactionVersion":0,"rewards":false}]`},
	{"getBlockHeight", "getBlockHeight", `{"commitment":"finalized"}`,
		`[{"commitment":"finalized"}]`},
	{"getEpochInfo", "getEpochInfo", `{}`, `[{"commitment":"confirmed"}]`},
	{"getFeeForMessage", "getFeeForMessage",
		`{"message":"AQABAgIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEBAQAA","commitment":"processed"}`,
		`["AQABAgIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEBAQAA",{"commitment":"processed"}]`},
	{"getHealth", "getHealth_ok", `{}`, ``},
	{"getInflationReward", "getInflationReward",
		`{"addresses":["6dmNQ5jwLeLk5REvio1JcMshcbvkYMwy26sJ8pbkvStu","BGsqMegLpV6n6Ve146sSX2dTjUMj3M92HnU8BbNRMhF2"],"epoch":800,"commitment":"finalized"}`,
		`[["6dmNQ5jwLeLk5REvio1JcMshcbvkYMwy26sJ8pbkvStu","BGsqMegLpV6n6Ve146sSX2dTjUMj3M92HnU8BbNRMhF2"],{"epoch":800,"commitment":"finalized"}]`},
	{"getLatestBlockhash", "getLatestBlockhash", `{"commitment":"processed"}`,
		`[{"commitment":"processed"}]`},
	{"getMinimumBalanceForRentExemption", "getMinimumBalanceForRentExemption",
		`{"dataLength":50,"commitment":"processed"}`, `[50,{"commitment":"processed"}]`},
	{"getMultipleAccounts", "getMultipleAccounts",
		`{"pubkeys":["vines1vzrYbzLMRdu58ou5XTby4qAqVRLmqo36NKPTg","4fYNw3dojWmQ4dXtSGE9epjRGy9pFSx62YypT7avPYvA"],"encoding":"base58","commitment":"finalized"}`,
		`[["vines1vzrYbzLMRdu58ou5XTby4qAqVRLmqo36NKPTg","4fYNw3dojWmQ4dXtSGE9epjRGy9pFSx62YypT7avPYvA"],{"encoding":"base58","commitment":"finalized"}]`},
	{"getProgramAccounts", "getProgramAccounts",
		`{"programId":"4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T","commitment":"finalized","filters":[{"dataSize":17},{"memcmp":{"offset":4,"bytes":"3Mc6vR"}}]}`,
		`["4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T",{"commitment":"finalized","encoding":"base64","filters":[{"dataSize":17},{"memcmp":{"offset":4,"bytes":"3Mc6vR"}}]}]`},
	{"getRecentPerformanceSamples", "getRecentPerformanceSamples", `{"limit":2}`, `[2]`},
	{"getRecentPrioritizationFees", "getRecentPrioritizationFees",
		`{"addresses":["CxELquR1gPP8wHe33gZ4QxqGB3sZ9RSwsJ2KshVewkFY"]}`,
		`[["CxELquR1gPP8wHe33gZ4QxqGB3sZ9RSwsJ2KshVewkFY"]]`},
	{"getSignaturesForAddress", "getSignaturesForAddress",
		`{"address":"Vote111111111111111111111111111111111111111","commitment":"finalized","limit":1}`,
		`["Vote111111111111111111111111111111111111111",{"commitment":"finalized","limit":1}]`},
	{"getSlot", "getSlot", `{"commitment":"finalized"}`, `[{"commitment":"finalized"}]`},
	{"getSupply", "getSupply", `{"commitment":"finalized"}`, `[{"commitment":"finalized"}]`},
	{"getTokenAccountBalance", "getTokenAccountBalance",
		`{"pubkey":"7fUAJdStEuGbc3sM84cKRL6yYaaSstyLSU4ve5oovLS7","commitment":"finalized"}`,
		`["7fUAJdStEuGbc3sM84cKRL6yYaaSstyLSU4ve5oovLS7",{"commitment":"finalized"}]`},
	{"getTokenAccountsByOwner", "getTokenAccountsByOwner",
		`{"owner":"A1TMhSGzQxMr1TboBKtgixKz1sS6REASMxPo1qsyTSJd","programId":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA","commitment":"finalized","encoding":"jsonParsed"}`,
		`["A1TMhSGzQxMr1TboBKtgixKz1sS6REASMxPo1qsyTSJd",{"programId":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"},{"commitment":"finalized","encoding":"jsonParsed"}]`},
	{"getTokenSupply", "getTokenSupply",
		`{"mint":"3wyAj7Rt1TWVPZVteFJPLa26JmLvdb1CAKEFZm3NY75E","commitment":"finalized"}`,
		`["3wyAj7Rt1TWVPZVteFJPLa26JmLvdb1CAKEFZm3NY75E",{"commitment":"finalized"}]`},
	{"getTransaction", "getTransaction_legacy",
		`{"signature":"4ReKprwf3WdLHRrzp4ctPWNBsQDPL3VZz3zMmoZfcGJMJCHh5Vq937mPdyxhCbw54wNnA6hZ7KfNpQdpt13yY7A9","commitment":"confirmed","maxSupportedTransactionVersion":0,"encoding":"json"}`,
		`["4ReKprwf3WdLHRrzp4ctPWNBsQDPL3VZz3zMmoZfcGJMJCHh5Vq937mPdyxhCbw54wNnA6hZ7KfNpQdpt13yY7A9",{"commitment":"confirmed","maxSupportedTransactionVersion":0,"encoding":"json"}]`},
	{"getTransaction", "getTransaction_legacy_no_version_param",
		`{"signature":"4zExa66hUSr28i2ma6EJwEsm3nZo4VFryEyRYE5Zrr4Q6dZpP1ctzsoMqUhLnp6iHGPp5MB722rZXRBKg927WXN9","encoding":"json"}`,
		`["4zExa66hUSr28i2ma6EJwEsm3nZo4VFryEyRYE5Zrr4Q6dZpP1ctzsoMqUhLnp6iHGPp5MB722rZXRBKg927WXN9",{"commitment":"confirmed","encoding":"json","maxSupportedTransactionVersion":1}]`},
	{"getVersion", "getVersion", `{}`, ``},
	{"simulateTransaction", "simulateTransaction", ``, ``}, // filled from the fixture
	{"sendTransaction", "sendTransaction", ``, ``},         // filled from the fixture
}

// fillFromFixture derives args and params for fixtures whose transaction is too long to
// write out here.
func fillFromFixture(t *testing.T, c call, fx rpcfake.Fixture) call {
	t.Helper()
	if c.args != "" {
		return c
	}
	var params []json.RawMessage
	if err := json.Unmarshal(fx.Params(), &params); err != nil {
		t.Fatal(err)
	}
	var tx string
	if err := json.Unmarshal(params[0], &tx); err != nil {
		t.Fatal(err)
	}
	switch c.tool {
	case "simulateTransaction":
		c.args = fmt.Sprintf(`{"transaction":%q,"commitment":"confirmed","encoding":"base64",`+
			`"replaceRecentBlockhash":true}`, tx)
		c.wantParams = fmt.Sprintf(`[%q,{"commitment":"confirmed",`+
			`"replaceRecentBlockhash":true,"encoding":"base64"}]`, tx)
	case "sendTransaction":
		c.args = fmt.Sprintf(`{"transaction":%q}`, tx)
		c.wantParams = fmt.Sprintf(`[%q,{"preflightCommitment":"confirmed"}]`, tx)
	}
	return c
}

// TestEndToEnd lists the tools and calls every fixture-backed tool through the real
// binary with the Go SDK client, at protocol versions 2025-06-18 and 2025-11-25. Each
// result must equal the fixture's result byte for byte, the node must have received the
// expected method and params, and /metrics must count every call.
func TestEndToEnd(t *testing.T) {
	fx := fixtures(t)
	node := rpcfake.New()
	defer node.Close()
	srv := start(t, "SOLANA_RPC_URL="+node.URL(), "SOLANA_MCP_ENABLE_WRITE_TOOLS=true")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	versions := []string{"2025-06-18", "2025-11-25"}
	for _, version := range versions {
		t.Run(version, func(t *testing.T) {
			cs := connect(t, ctx, srv.base+"/mcp", version)
			if got := cs.InitializeResult().ProtocolVersion; got != version {
				t.Fatalf("negotiated protocol %s, want %s", got, version)
			}

			tools, err := cs.ListTools(ctx, &mcp.ListToolsParams{})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tool := range tools.Tools {
				names = append(names, tool.Name)
			}
			sort.Strings(names)
			for _, want := range []string{"getBalance", "getAccountInfo",
				"getMultipleAccounts", "getSlot", "getBlockHeight", "getLatestBlockhash",
				"getEpochInfo", "getVersion", "getHealth", "getTransaction",
				"getSignaturesForAddress", "getTokenAccountBalance", "sendTransaction"} {
				if !slices.Contains(names, want) {
					t.Errorf("tools/list lacks %s; has %v", want, names)
				}
			}

			for _, c := range fixtureCalls {
				f, ok := fx[c.fixture]
				if !ok {
					t.Fatalf("fixture %s missing", c.fixture)
				}
				c = fillFromFixture(t, c, f)
				t.Run(c.fixture, func(t *testing.T) {
					node.SetFixture(f)
					node.Reset()

					res := callTool(t, ctx, cs, c.tool, c.args)
					if res.IsError {
						t.Fatalf("tool error: %s", text(t, res))
					}
					if got, want := text(t, res), string(f.Result()); got != want {
						t.Fatalf("result differs from the node's\n got: %.300s\nwant: %.300s",
							got, want)
					}
					checkStructured(t, res, f.Result())

					reqs := node.Requests()
					if len(reqs) != 1 {
						t.Fatalf("node received %d requests, want 1", len(reqs))
					}
					if reqs[0].Method != c.tool {
						t.Errorf("node received method %s, want %s", reqs[0].Method, c.tool)
					}
					if c.wantParams == "" {
						if len(reqs[0].Params) != 0 {
							t.Errorf("node received params %s, want none", reqs[0].Params)
						}
					} else if !rpcfake.SameJSON(reqs[0].Params, []byte(c.wantParams)) {
						t.Errorf("node received params\n%s\nwant\n%s", reqs[0].Params,
							c.wantParams)
					}
				})
			}
		})
	}

	// Every call above was counted once per protocol version, and timed.
	fams := scrape(t, srv.base)
	perTool := map[string]int{}
	for _, c := range fixtureCalls {
		perTool[c.tool] += len(versions)
	}
	for tool, n := range perTool {
		labels := map[string]string{"method": tool, "network": "mainnet"}
		if got := counter(fams, "solana_mcp_rpc_requests_total", labels); got != float64(n) {
			t.Errorf("requests_total{method=%s} = %v, want %d", tool, got, n)
		}
		if got := counter(fams, "solana_mcp_rpc_requests_successful_total",
			labels); got != float64(n) {
			t.Errorf("requests_successful_total{method=%s} = %v, want %d", tool, got, n)
		}
		if got := histCount(fams, "solana_mcp_rpc_request_duration_seconds",
			labels); got != uint64(n) {
			t.Errorf("duration_seconds_count{method=%s} = %v, want %d", tool, got, n)
		}
	}
	if _, ok := fams["solana_mcp_rpc_requests_failed_total"]; ok {
		for _, m := range fams["solana_mcp_rpc_requests_failed_total"].GetMetric() {
			if m.GetCounter().GetValue() != 0 {
				t.Errorf("unexpected failure counted: %v", m)
			}
		}
	}
}

// checkStructured checks that structuredContent.result holds the node's result, with
// big integers intact.
func checkStructured(t *testing.T, res *mcp.CallToolResult, want json.RawMessage) {
	t.Helper()
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	// The SDK decodes structuredContent into map[string]any, which turns numbers into
	// float64; compare only when no integer above 2^53 is involved, and check the
	// digits of big ones in the text content (done by the caller).
	if strings.Contains(string(want), "18446744073709551615") ||
		strings.Contains(string(want), "13086425097431981") {
		return
	}
	var wrapped struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil || wrapped.Result == nil {
		t.Fatalf("structuredContent = %s, want {\"result\": ...}", raw)
	}
	if !rpcfake.SameJSON(wrapped.Result, want) {
		t.Fatalf("structuredContent.result = %.300s, want %.300s", wrapped.Result, want)
	}
}

// TestBigIntegersKeepTheirDigits checks u64 values above 2^53 in both directions: in
// results (rentEpoch u64::MAX, a balance of 13086425097431981) and in arguments
// (minContextSlot u64::MAX is forwarded digit for digit).
func TestBigIntegersKeepTheirDigits(t *testing.T) {
	fx := fixtures(t)
	node := rpcfake.New()
	defer node.Close()
	srv := start(t, "SOLANA_RPC_URL="+node.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs := connect(t, ctx, srv.base+"/mcp", "2025-11-25")

	node.SetFixture(fx["getAccountInfo_base58"])
	res := callTool(t, ctx, cs, "getAccountInfo",
		`{"pubkey":"vines1vzrYbzLMRdu58ou5XTby4qAqVRLmqo36NKPTg","minContextSlot":18446744073709551615}`)
	if !strings.Contains(text(t, res), `"rentEpoch": 18446744073709551615`) &&
		!strings.Contains(text(t, res), `"rentEpoch":18446744073709551615`) {
		t.Errorf("rentEpoch lost its digits: %s", text(t, res))
	}
	got := string(node.Requests()[0].Params)
	if !strings.Contains(got, `"minContextSlot":18446744073709551615`) {
		t.Errorf("minContextSlot not forwarded exactly: %s", got)
	}

	node.SetFixture(fx["getTransaction_legacy"])
	res = callTool(t, ctx, cs, "getTransaction",
		`{"signature":"4ReKprwf3WdLHRrzp4ctPWNBsQDPL3VZz3zMmoZfcGJMJCHh5Vq937mPdyxhCbw54wNnA6hZ7KfNpQdpt13yY7A9"}`)
	if !strings.Contains(text(t, res), "13086425097431981") {
		t.Errorf("postBalances lost its digits: %.400s", text(t, res))
	}
}

// TestBadInput checks that an invalid public key, a signature of the wrong length and
// an unknown commitment are tool errors naming the argument, never reach the node, and
// are counted as error_type="validation".
func TestBadInput(t *testing.T) {
	node := rpcfake.New()
	defer node.Close()
	srv := start(t, "SOLANA_RPC_URL="+node.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs := connect(t, ctx, srv.base+"/mcp", "2025-11-25")

	cases := []struct {
		name, tool, args string
		wantInError      []string
	}{
		{"invalid public key", "getBalance", `{"pubkey":"iamnotarealaccount"}`,
			[]string{`"pubkey"`, "base58", "'l'"}},
		{"public key of the wrong size", "getAccountInfo", `{"pubkey":"abc"}`,
			[]string{`"pubkey"`, "32 bytes"}},
		{"signature of the wrong length", "getTransaction",
			`{"signature":"4ReKprwf3WdLHRrzp4ctPWNBsQDPL3VZz3zMmoZfcGJM"}`,
			[]string{`"signature"`, "64 bytes"}},
		{"unknown commitment", "getSlot", `{"commitment":"max"}`,
			[]string{`"commitment"`, "processed, confirmed, finalized", `"max"`}},
		{"fractional slot", "getBlock", `{"slot":1.5}`, []string{`"slot"`, "fraction"}},
		{"negative slot", "getBlockTime", `{"slot":-1}`, []string{`"slot"`, "negative"}},
		{"slot above u64", "getBlockTime", `{"slot":18446744073709551616}`,
			[]string{`"slot"`, "18446744073709551615"}},
		{"missing argument", "getBalance", `{}`, []string{`"pubkey"`, "required"}},
		{"unknown network", "getSlot", `{"network":"moon"}`, []string{`"network"`, "mainnet"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := callTool(t, ctx, cs, c.tool, c.args)
			if !res.IsError {
				t.Fatalf("%s(%s) succeeded, want a tool error", c.tool, c.args)
			}
			msg := text(t, res)
			for _, want := range c.wantInError {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
		})
	}
	if n := len(node.Requests()); n != 0 {
		t.Fatalf("node received %d requests for bad input, want 0", n)
	}

	fams := scrape(t, srv.base)
	want := map[string]float64{"getBalance": 2, "getAccountInfo": 1, "getTransaction": 1,
		"getSlot": 2, "getBlock": 1, "getBlockTime": 2}
	for tool, n := range want {
		got := counter(fams, "solana_mcp_rpc_requests_failed_total",
			map[string]string{"method": tool, "network": "mainnet", "error_type": "validation"})
		if got != n {
			t.Errorf("failed_total{method=%s,error_type=validation} = %v, want %v", tool, got, n)
		}
	}
}

// TestUpstreamErrorKeepsCodeAndMessage checks that a node's JSON-RPC error becomes a
// tool error with the node's code and message, counted as error_type="rpc".
func TestUpstreamErrorKeepsCodeAndMessage(t *testing.T) {
	fx := fixtures(t)
	node := rpcfake.New()
	defer node.Close()
	srv := start(t, "SOLANA_RPC_URL="+node.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs := connect(t, ctx, srv.base+"/mcp", "2025-11-25")

	node.SetResponse("getBalance", 200, fx["error_invalid_param_wrongsize"].Response)
	res := callTool(t, ctx, cs, "getBalance", `{"pubkey":"11111111111111111111111111111111"}`)
	if !res.IsError || text(t, res) != "RPC error -32602: Invalid param: WrongSize" {
		t.Fatalf("got isError=%v %q", res.IsError, text(t, res))
	}

	node.SetFixture(fx["getHealth_unhealthy"])
	res = callTool(t, ctx, cs, "getHealth", `{}`)
	var unhealthy struct {
		Error struct {
			Data json.RawMessage `json:"data"`
		} `json:"error"`
	}
	if err := json.Unmarshal(fx["getHealth_unhealthy"].Response, &unhealthy); err != nil {
		t.Fatal(err)
	}
	// The node's error data is passed on as it was sent.
	want := "RPC error -32005: Node is behind by 42 slots\ndata: " + string(unhealthy.Error.Data)
	if !res.IsError || text(t, res) != want {
		t.Fatalf("got isError=%v %q, want %q", res.IsError, text(t, res), want)
	}

	fams := scrape(t, srv.base)
	got := counter(fams, "solana_mcp_rpc_requests_failed_total",
		map[string]string{"method": "getBalance", "network": "mainnet", "error_type": "rpc"})
	if got != 1 {
		t.Errorf("failed_total{getBalance,rpc} = %v, want 1", got)
	}
	if n := node.Count("getHealth"); n != 1 {
		t.Errorf("getHealth sent %d times; an unhealthy answer must not be retried", n)
	}
	if code, _ := srv.status("/health"); code != http.StatusOK {
		t.Errorf("/health = %d after upstream errors, want 200", code)
	}
}

// TestShutdownDrainsInFlightCalls: with a call in flight against a slow node, SIGTERM
// turns /ready to 503 at once, the call still succeeds, new connections are refused
// after the drain delay, and the process exits 0 within drain delay plus shutdown timeout.
func TestShutdownDrainsInFlightCalls(t *testing.T) {
	fx := fixtures(t)
	node := rpcfake.New()
	defer node.Close()
	node.SetFixture(fx["getSlot"])
	node.SetFault("getSlot", &rpcfake.Fault{Delay: 3 * time.Second})

	const drain, shutdown = time.Second, 10 * time.Second
	srv := start(t, "SOLANA_RPC_URL="+node.URL(),
		"SOLANA_MCP_DRAIN_DELAY="+drain.String(), "SOLANA_MCP_SHUTDOWN_TIMEOUT="+shutdown.String())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs := connect(t, ctx, srv.base+"/mcp", "2025-11-25")

	type outcome struct {
		res *mcp.CallToolResult
		err error
	}
	inFlight := make(chan outcome, 1)
	go func() {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "getSlot",
			Arguments: json.RawMessage(`{}`)})
		inFlight <- outcome{res, err}
	}()
	waitFor(t, 5*time.Second, func() bool { return node.Count("getSlot") == 1 })

	sigAt := time.Now()
	srv.signal(syscall.SIGTERM)
	waitFor(t, 500*time.Millisecond, func() bool {
		code, _ := srv.status("/ready")
		return code == http.StatusServiceUnavailable
	})
	resp, err := http.Get(srv.base + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !resp.Close {
		t.Errorf("/health during drain = %d, Connection: close %v; want 200 and close",
			resp.StatusCode, resp.Close)
	}

	// After the drain delay the listener is closed: new connections are refused.
	time.Sleep(time.Until(sigAt.Add(drain + 300*time.Millisecond)))
	if _, err := (&http.Client{Timeout: time.Second}).Get(srv.base + "/health"); err == nil ||
		!strings.Contains(err.Error(), "refused") {
		t.Errorf("new connection after drain: err=%v, want connection refused", err)
	}

	out := <-inFlight
	if out.err != nil {
		t.Fatalf("in-flight call failed: %v", out.err)
	}
	if out.res.IsError || text(t, out.res) != string(fx["getSlot"].Result()) {
		t.Fatalf("in-flight call: isError=%v %q", out.res.IsError, text(t, out.res))
	}

	code, exited := srv.wait(drain + shutdown)
	if !exited {
		t.Fatalf("process still running %s after SIGTERM", time.Since(sigAt))
	}
	if code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	for _, step := range []string{"draining", "closing listener", "shutdown complete"} {
		if !strings.Contains(srv.Logs(), step) {
			t.Errorf("log lacks the %q step", step)
		}
	}
}

// TestShutdownAnswersCallsThatOutlastIt: a call still waiting on the node near the
// shutdown deadline gets a tool error telling the client to retry, instead of a dropped
// connection, and the process still exits 0 in time.
func TestShutdownAnswersCallsThatOutlastIt(t *testing.T) {
	node := rpcfake.New()
	defer node.Close()
	node.SetFault("getSlot", &rpcfake.Fault{Hang: true})

	const drain, shutdown = 300 * time.Millisecond, 2 * time.Second
	srv := start(t, "SOLANA_RPC_URL="+node.URL(), "SOLANA_MCP_RPC_TIMEOUT=30s",
		"SOLANA_MCP_DRAIN_DELAY="+drain.String(), "SOLANA_MCP_SHUTDOWN_TIMEOUT="+shutdown.String())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs := connect(t, ctx, srv.base+"/mcp", "2025-11-25")

	done := make(chan *mcp.CallToolResult, 1)
	go func() {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "getSlot",
			Arguments: json.RawMessage(`{}`)})
		if err != nil {
			t.Errorf("call failed at the protocol level: %v", err)
		}
		done <- res
	}()
	waitFor(t, 5*time.Second, func() bool { return node.Count("getSlot") == 1 })
	sigAt := time.Now()
	srv.signal(syscall.SIGTERM)

	res := <-done
	if res == nil || !res.IsError || !strings.Contains(text(t, res), "shutting down") {
		t.Fatalf("in-flight call answered %+v, want a tool error about the shutdown", res)
	}
	code, exited := srv.wait(drain + shutdown + time.Second)
	if !exited || code != 0 {
		t.Fatalf("exited=%v status=%d after %s, want 0 within drain+shutdown",
			exited, code, time.Since(sigAt))
	}
}

// TestSecondSignalExitsAtOnce: a second signal during the drain exits with status 1.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	node := rpcfake.New()
	defer node.Close()
	srv := start(t, "SOLANA_RPC_URL="+node.URL(), "SOLANA_MCP_DRAIN_DELAY=30s")
	srv.signal(syscall.SIGTERM)
	waitFor(t, time.Second, func() bool {
		code, _ := srv.status("/ready")
		return code == http.StatusServiceUnavailable
	})
	srv.signal(syscall.SIGINT)
	code, exited := srv.wait(3 * time.Second)
	if !exited || code != 1 {
		t.Fatalf("after a second signal: exited=%v status=%d, want exit status 1", exited, code)
	}
}

// TestInvalidConfiguration: each invalid value stops start-up with status 2 and one
// line naming the variable and the value.
func TestInvalidConfiguration(t *testing.T) {
	cases := []struct{ env, wantVar, wantValue string }{
		{"SOLANA_RPC_URL=ftp://example.com", "SOLANA_RPC_URL", "ftp://example.com"},
		{"SOLANA_RPC_URL=not a url", "SOLANA_RPC_URL", ""},
		{"SOLANA_COMMITMENT=max", "SOLANA_COMMITMENT", "max"},
		{"SOLANA_NETWORK=Main Net", "SOLANA_NETWORK", "Main Net"},
		{"SOLANA_MCP_NETWORKS=devnet", "SOLANA_MCP_NETWORKS", "devnet"},
		{"SOLANA_MCP_NETWORKS=mainnet=https://a.example", "SOLANA_MCP_NETWORKS", "mainnet"},
		{"SOLANA_MCP_LISTEN=8080", "SOLANA_MCP_LISTEN", "8080"},
		{"PORT=99999", "PORT", "99999"},
		{"SOLANA_MCP_LOG_LEVEL=loud", "SOLANA_MCP_LOG_LEVEL", "loud"},
		{"RUST_LOG=verbose", "RUST_LOG", "verbose"},
		{"SOLANA_MCP_LOG_FORMAT=xml", "SOLANA_MCP_LOG_FORMAT", "xml"},
		{"SOLANA_MCP_RPC_TIMEOUT=soon", "SOLANA_MCP_RPC_TIMEOUT", "soon"},
		{"SOLANA_MCP_RPC_TIMEOUT=0s", "SOLANA_MCP_RPC_TIMEOUT", "0s"},
		{"SOLANA_MCP_DRAIN_DELAY=-1s", "SOLANA_MCP_DRAIN_DELAY", "-1s"},
		{"SOLANA_MCP_SHUTDOWN_TIMEOUT=later", "SOLANA_MCP_SHUTDOWN_TIMEOUT", "later"},
		{"SOLANA_MCP_ENABLE_WRITE_TOOLS=maybe", "SOLANA_MCP_ENABLE_WRITE_TOOLS", "maybe"},
		{"SOLANA_MCP_MAX_TX_VERSION=-1", "SOLANA_MCP_MAX_TX_VERSION", "-1"},
		{"SOLANA_MCP_MAX_TX_VERSION=v1", "SOLANA_MCP_MAX_TX_VERSION", "v1"},
		{"SOLANA_MCP_TOOLSETS=wallets", "SOLANA_MCP_TOOLSETS", "wallets"},
		{"SOLANA_MCP_MAX_BODY_BYTES=12", "SOLANA_MCP_MAX_BODY_BYTES", "12"},
		{"SOLANA_MCP_ALLOWED_ORIGINS=evil", "SOLANA_MCP_ALLOWED_ORIGINS", "evil"},
		{"SOLANA_MCP_UPSTREAM_RETRIES=99", "SOLANA_MCP_UPSTREAM_RETRIES", "99"},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			cmd := exec.Command(binary, "serve")
			cmd.Env = []string{"PATH=/usr/bin:/bin", c.env, "SOLANA_MCP_LISTEN=127.0.0.1:0"}
			if strings.HasPrefix(c.env, "SOLANA_MCP_LISTEN") {
				cmd.Env = []string{"PATH=/usr/bin:/bin", c.env}
			}
			out, err := cmd.CombinedOutput()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != 2 {
				t.Fatalf("exit: %v, want status 2; output:\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if len(lines) != 1 {
				t.Fatalf("want one line, got %d:\n%s", len(lines), out)
			}
			if !strings.Contains(lines[0], c.wantVar) || !strings.Contains(lines[0], c.wantValue) {
				t.Fatalf("line %q does not name %s and %q", lines[0], c.wantVar, c.wantValue)
			}
		})
	}
}

func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("condition not met within %s", d)
}
