package mcpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/solana-mcp/solana-mcp-server/internal/config"
	"github.com/solana-mcp/solana-mcp-server/internal/mcpserver"
	"github.com/solana-mcp/solana-mcp-server/internal/metrics"
	"github.com/solana-mcp/solana-mcp-server/internal/upstream"
	"github.com/solana-mcp/solana-mcp-server/pkg/rpcfake"
)

// goldenPath holds tools/list of the full catalog; UPDATE_GOLDEN=1 rewrites it.
const goldenPath = "testdata/tools.golden.json"

// writeTools are offered only with write tools enabled.
var writeTools = []string{"requestAirdrop", "sendTransaction"}

// allTools are the tools of issue 3: one per current Solana HTTP method.
var allTools = []string{
	"getAccountInfo", "getBalance", "getBlock", "getBlockCommitment", "getBlockHeight",
	"getBlockProduction", "getBlockTime", "getBlocks", "getBlocksWithLimit",
	"getClusterNodes", "getEpochInfo", "getEpochSchedule", "getFeeForMessage",
	"getFirstAvailableBlock", "getGenesisHash", "getHealth", "getHighestSnapshotSlot",
	"getIdentity", "getInflationGovernor", "getInflationRate", "getInflationReward",
	"getLargestAccounts", "getLatestBlockhash", "getLeaderSchedule", "getMaxRetransmitSlot",
	"getMaxShredInsertSlot", "getMinimumBalanceForRentExemption", "getMultipleAccounts",
	"getProgramAccounts", "getRecentPerformanceSamples", "getRecentPrioritizationFees",
	"getSignatureStatuses", "getSignaturesForAddress", "getSlot", "getSlotLeader",
	"getSlotLeaders", "getStakeMinimumDelegation", "getSupply", "getTokenAccountBalance",
	"getTokenAccountsByDelegate", "getTokenAccountsByOwner", "getTokenLargestAccounts",
	"getTokenSupply", "getTransaction", "getTransactionCount", "getVersion",
	"getVoteAccounts", "isBlockhashValid", "minimumLedgerSlot", "requestAirdrop",
	"sendTransaction", "simulateTransaction",
}

// TestToolsListGolden compares tools/list (names, descriptions, input schemas and
// annotations of the full catalog, networks mainnet and devnet) with the golden file,
// so that every change to the public surface shows in review.
func TestToolsListGolden(t *testing.T) {
	got := toolsListJSON(t)
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", goldenPath)
		return
	}
	want, err := os.ReadFile(goldenPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%s is missing; create it with UPDATE_GOLDEN=1 go test ./internal/mcpserver/ "+
			"and review it", goldenPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("tools/list differs from %s in: %s\nIf the change is intended, run "+
			"UPDATE_GOLDEN=1 go test ./internal/mcpserver/ and review the diff.",
			goldenPath, strings.Join(changedTools(t, got, want), ", "))
	}
}

// toolsListJSON is tools/list of the full catalog as pretty JSON, sorted by name.
func toolsListJSON(t *testing.T) []byte {
	t.Helper()
	dummy, _ := url.Parse("http://127.0.0.1:1")
	up := upstream.New([]config.Network{
		{Name: "mainnet", URLs: []*url.URL{dummy}},
		{Name: "devnet", URLs: []*url.URL{dummy}},
	}, upstream.Options{})
	defer up.Close()
	srv := mcpserver.New(mcpserver.Options{Upstream: up, Metrics: metrics.New(),
		Commitment: "confirmed", MaxTxVersion: "1", Toolsets: config.Toolsets,
		EnableWrite: true})

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msg, err := json.Marshal(srv.HandleMessage(ctx,
		json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)))
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Result struct {
			Tools      []json.RawMessage `json:"tools"`
			NextCursor string            `json:"nextCursor"`
		} `json:"result"`
	}
	if err := json.Unmarshal(msg, &resp); err != nil || len(resp.Result.Tools) == 0 {
		t.Fatalf("tools/list answered %s (%v)", msg, err)
	}
	if resp.Result.NextCursor != "" {
		t.Fatalf("tools/list is paginated; the golden test expects one page")
	}
	tools := make([]any, len(resp.Result.Tools))
	for i, raw := range resp.Result.Tools {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&tools[i]); err != nil {
			t.Fatal(err)
		}
	}
	sort.Slice(tools, func(i, j int) bool {
		return toolName(tools[i]) < toolName(tools[j])
	})
	out, err := json.MarshalIndent(tools, "", "  ") // maps marshal with sorted keys
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func toolName(tool any) string {
	m, _ := tool.(map[string]any)
	name, _ := m["name"].(string)
	return name
}

// changedTools names the tools that differ between two tools/list documents.
func changedTools(t *testing.T, got, want []byte) []string {
	t.Helper()
	index := func(doc []byte) map[string]json.RawMessage {
		var tools []json.RawMessage
		_ = json.Unmarshal(doc, &tools)
		out := map[string]json.RawMessage{}
		for _, raw := range tools {
			var v any
			_ = json.Unmarshal(raw, &v)
			out[toolName(v)] = raw
		}
		return out
	}
	g, w := index(got), index(want)
	var changed []string
	for name, doc := range g {
		if !rpcfake.SameJSON(w[name], doc) {
			changed = append(changed, name)
		}
	}
	for name := range w {
		if _, ok := g[name]; !ok {
			changed = append(changed, name+" (removed)")
		}
	}
	sort.Strings(changed)
	if len(changed) == 0 {
		changed = []string{"formatting only"}
	}
	return changed
}

// listTools returns the tools a client sees, by name.
func listTools(t *testing.T, e *env) map[string]*mcp.Tool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := e.session.ListTools(ctx, &mcp.ListToolsParams{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*mcp.Tool{}
	for _, tool := range res.Tools {
		out[tool.Name] = tool
	}
	return out
}

func names(tools map[string]*mcp.Tool) []string {
	var out []string
	for n := range tools {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// TestToolNames checks the catalog a client sees: the 52 tools of issue 3 with write
// tools enabled, 50 without, and none of the methods nodes removed.
func TestToolNames(t *testing.T) {
	reads := slices.DeleteFunc(slices.Clone(allTools), func(n string) bool {
		return slices.Contains(writeTools, n)
	})
	cases := []struct {
		name         string
		disableWrite bool
		want         []string
	}{
		{name: "write tools enabled", want: allTools},
		{name: "write tools disabled", disableWrite: true, want: reads},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := names(listTools(t, newEnv(t, envOptions{disableWrite: tc.disableWrite})))
			want := slices.Clone(tc.want)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Fatalf("tools/list = %d tools %v\nwant %d: %v", len(got), got, len(want), want)
			}
			for _, removed := range []string{"getConfirmedBlock", "getConfirmedTransaction",
				"getRecentBlockhash", "getFees", "getStakeActivation", "getSnapshotSlot",
				"getFeeCalculatorForBlockhash", "getConfirmedSignaturesForAddress2"} {
				if slices.Contains(got, removed) {
					t.Errorf("tools/list offers %s, which current nodes removed", removed)
				}
			}
		})
	}
	if len(allTools) != 52 {
		t.Fatalf("the test knows %d tools, want the 52 of issue 3", len(allTools))
	}
}

// TestAnnotations checks that the hints tell the truth: reads are read-only,
// idempotent and not destructive; the two writes are neither read-only nor
// idempotent, and only sendTransaction is destructive; all reach an open world.
func TestAnnotations(t *testing.T) {
	for name, tool := range listTools(t, newEnv(t, envOptions{})) {
		a := tool.Annotations
		if a == nil {
			t.Errorf("%s has no annotations", name)
			continue
		}
		write := slices.Contains(writeTools, name)
		if a.ReadOnlyHint == write {
			t.Errorf("%s readOnlyHint = %v, want %v", name, a.ReadOnlyHint, !write)
		}
		if a.IdempotentHint == write {
			t.Errorf("%s idempotentHint = %v, want %v", name, a.IdempotentHint, !write)
		}
		wantDestructive := name == "sendTransaction"
		if a.DestructiveHint == nil || *a.DestructiveHint != wantDestructive {
			t.Errorf("%s destructiveHint = %v, want %v", name, ptrText(a.DestructiveHint),
				wantDestructive)
		}
		if a.OpenWorldHint == nil || !*a.OpenWorldHint {
			t.Errorf("%s openWorldHint = %v, want true", name, ptrText(a.OpenWorldHint))
		}
	}
}

func ptrText(b *bool) string {
	if b == nil {
		return "unset"
	}
	if *b {
		return "true"
	}
	return "false"
}

// TestToolsets checks that a deployment can offer only some groups of tools.
func TestToolsets(t *testing.T) {
	cases := []struct {
		name         string
		toolsets     []string
		disableWrite bool
		want         []string
	}{
		{name: "tokens only", toolsets: []string{"tokens"},
			want: []string{"getTokenAccountBalance", "getTokenAccountsByDelegate",
				"getTokenAccountsByOwner", "getTokenLargestAccounts", "getTokenSupply"}},
		{name: "transactions without writes", toolsets: []string{"transactions"},
			disableWrite: true,
			want: []string{"getFeeForMessage", "getRecentPrioritizationFees",
				"getSignatureStatuses", "getSignaturesForAddress", "getTransaction",
				"getTransactionCount", "simulateTransaction"}},
		{name: "write tools follow their group", toolsets: []string{"tokens", "blocks"},
			want: []string{"getBlock", "getBlockCommitment", "getBlockHeight",
				"getBlockProduction", "getBlockTime", "getBlocks", "getBlocksWithLimit",
				"getFirstAvailableBlock", "getHighestSnapshotSlot", "getLatestBlockhash",
				"getMaxRetransmitSlot", "getMaxShredInsertSlot", "getSlot", "getSlotLeader",
				"getSlotLeaders", "getTokenAccountBalance", "getTokenAccountsByDelegate",
				"getTokenAccountsByOwner", "getTokenLargestAccounts", "getTokenSupply",
				"isBlockhashValid", "minimumLedgerSlot"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{toolsets: tc.toolsets, disableWrite: tc.disableWrite})
			got := names(listTools(t, e))
			if !slices.Equal(got, tc.want) {
				t.Fatalf("toolsets %v: tools/list = %v\nwant %v", tc.toolsets, got, tc.want)
			}
			// A tool outside the selected groups cannot be called either.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := e.session.CallTool(ctx, &mcp.CallToolParams{Name: "getBalance",
				Arguments: json.RawMessage(`{"pubkey":"` + pk + `"}`)})
			if err == nil {
				t.Fatalf("toolsets %v: getBalance was callable", tc.toolsets)
			}
			if n := e.requests(); n != 0 {
				t.Fatalf("toolsets %v: %d upstream requests, want 0", tc.toolsets, n)
			}
		})
	}
}
