package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/solana-mcp/solana-mcp-server/pkg/rpcfake"
)

// TestStdio serves the tools over stdio, as desktop clients start the server.
func TestStdio(t *testing.T) {
	fx := fixtures(t)
	node := rpcfake.New()
	defer node.Close()
	node.SetFixture(fx["getBalance"])

	cmd := exec.Command(binary, "stdio")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "SOLANA_RPC_URL=" + node.URL(),
		"SOLANA_MCP_LOG_LEVEL=debug"}
	client := mcp.NewClient(&mcp.Implementation{Name: "e2e-stdio", Version: "v0"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd},
		&mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()

	tools, err := cs.ListTools(ctx, &mcp.ListToolsParams{})
	if err != nil || len(tools.Tools) < 50 {
		t.Fatalf("ListTools: %v, %d tools", err, len(tools.Tools))
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "getBalance", Arguments: json.RawMessage(
		`{"pubkey":"83astBRguLMdt2h5U1Tpdq5tjFoJ6noeGwaY3mDLVcri","commitment":"finalized"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError || text(t, res) != string(fx["getBalance"].Result()) {
		t.Fatalf("getBalance over stdio: isError=%v %q", res.IsError, text(t, res))
	}
}

// TestNetworkArgument routes calls to a named network's upstream and counts them
// under its name.
func TestNetworkArgument(t *testing.T) {
	mainnet, devnet := rpcfake.New(), rpcfake.New()
	defer mainnet.Close()
	defer devnet.Close()
	mainnet.SetResult("getSlot", []byte("111"))
	devnet.SetResult("getSlot", []byte("222"))
	srv := start(t, "SOLANA_RPC_URL="+mainnet.URL(), "SOLANA_MCP_NETWORKS=devnet="+devnet.URL())

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs := connect(t, ctx, srv.base+"/mcp", "2025-06-18")

	tools, err := cs.ListTools(ctx, &mcp.ListToolsParams{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools.Tools {
		if tool.Name != "getSlot" {
			continue
		}
		schema, _ := json.Marshal(tool.InputSchema)
		if !strings.Contains(string(schema), `"enum":["mainnet","devnet"]`) {
			t.Errorf("getSlot schema lacks the network names: %s", schema)
		}
	}

	if got := text(t, callTool(t, ctx, cs, "getSlot", `{"network":"devnet"}`)); got != "222" {
		t.Errorf("devnet getSlot = %s, want 222", got)
	}
	if got := text(t, callTool(t, ctx, cs, "getSlot", `{}`)); got != "111" {
		t.Errorf("default getSlot = %s, want 111", got)
	}
	// A rejected call that names a network is counted under that network.
	if res := callTool(t, ctx, cs, "getSlot", `{"network":"devnet","commitment":"max"}`); !res.IsError {
		t.Fatal("bad commitment accepted")
	}
	fams := scrape(t, srv.base)
	for _, n := range []string{"mainnet", "devnet"} {
		labels := map[string]string{"method": "getSlot", "network": n}
		if got := counter(fams, "solana_mcp_rpc_requests_successful_total", labels); got != 1 {
			t.Errorf("requests_successful_total{network=%s} = %v, want 1", n, got)
		}
	}
	failed := map[string]string{"method": "getSlot", "network": "devnet", "error_type": "validation"}
	if got := counter(fams, "solana_mcp_rpc_requests_failed_total", failed); got != 1 {
		t.Errorf("failed_total{network=devnet,validation} = %v, want 1", got)
	}
}

// TestHealthcheckAndVersion runs the healthcheck subcommand against a live and a dead
// server, and prints the version.
func TestHealthcheckAndVersion(t *testing.T) {
	node := rpcfake.New()
	defer node.Close()
	srv := start(t, "SOLANA_RPC_URL="+node.URL())
	port := strings.TrimPrefix(srv.base, "http://127.0.0.1:")

	run := func(env ...string) (int, string) {
		cmd := exec.Command(binary, "healthcheck")
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(out)
		}
		return 0, string(out)
	}
	if code, out := run("PORT=" + port); code != 0 {
		t.Errorf("healthcheck of a live server: status %d, %s", code, out)
	}
	if code, out := run("SOLANA_MCP_LISTEN=:" + port); code != 0 {
		t.Errorf("healthcheck via SOLANA_MCP_LISTEN: status %d, %s", code, out)
	}
	if code, _ := run("PORT=" + fmt.Sprint(freePort(t))); code != 1 {
		t.Errorf("healthcheck of nothing listening: status %d, want 1", code)
	}

	out, err := exec.Command(binary, "version").Output()
	if err != nil || !strings.Contains(string(out), "solana-mcp-server e2e") ||
		!strings.Contains(string(out), "go1.") {
		t.Errorf("version: %v %q", err, out)
	}
}

// TestStdioPipedInput: a script that writes its requests and closes stdin still gets
// every answer; the server exits once they are out.
func TestStdioPipedInput(t *testing.T) {
	node := rpcfake.New()
	defer node.Close()
	node.SetResult("getSlot", []byte("4242"))
	node.SetFault("getSlot", &rpcfake.Fault{Delay: 300 * time.Millisecond})

	input := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",` +
			`"capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"getSlot","arguments":{}}}`,
	}, "\n") + "\n"
	cmd := exec.Command(binary, "stdio")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "SOLANA_RPC_URL=" + node.URL(), "PORT=abc"}
	cmd.Stdin = strings.NewReader(input)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("stdio: %v\n%s", err, out)
	}
	var answered bool
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var m struct {
			ID     int `json:"id"`
			Result struct {
				Content []struct {
					Text string `json:"text"`
				} `json:"content"`
				IsError bool `json:"isError"`
			} `json:"result"`
		}
		if json.Unmarshal([]byte(line), &m) == nil && m.ID == 2 {
			answered = !m.Result.IsError && len(m.Result.Content) == 1 &&
				m.Result.Content[0].Text == "4242"
		}
	}
	if !answered {
		t.Fatalf("getSlot was not answered with 4242; stdout:\n%s", out)
	}
}

// TestAbandonedCallsAreNotFailures: a client that hangs up before the answer is counted
// in requests_total, but not as a failure that would raise the error ratio.
func TestAbandonedCallsAreNotFailures(t *testing.T) {
	node := rpcfake.New()
	defer node.Close()
	node.SetFault("getSlot", &rpcfake.Fault{Hang: true})
	srv := start(t, "SOLANA_RPC_URL="+node.URL())

	client := &http.Client{Timeout: 300 * time.Millisecond}
	req, _ := http.NewRequest("POST", srv.base+"/mcp", strings.NewReader(
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getSlot","arguments":{}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the call answered; the node was meant to hang")
	}

	labels := map[string]string{"method": "getSlot", "network": "mainnet"}
	waitFor(t, 5*time.Second, func() bool {
		return counter(scrape(t, srv.base), "solana_mcp_rpc_requests_total", labels) == 1
	})
	fams := scrape(t, srv.base)
	if fam, ok := fams["solana_mcp_rpc_requests_failed_total"]; ok && len(fam.GetMetric()) > 0 {
		t.Errorf("an abandoned call was counted as failed: %v", fam.GetMetric())
	}
	if got := counter(fams, "solana_mcp_upstream_requests_total", map[string]string{
		"network": "mainnet", "upstream": strings.TrimSuffix(node.URL(), "/"),
		"outcome": "cancelled"}); got != 1 {
		t.Errorf("upstream_requests_total{outcome=cancelled} = %v, want 1", got)
	}
}
