package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/solana-mcp/solana-mcp-server/pkg/rpcfake"
)

// TestNewestProtocol lets the SDK client pick its default protocol (the stateless
// 2026-07-28 revision, found through server/discover) and checks a tool call works.
func TestNewestProtocol(t *testing.T) {
	node := rpcfake.New()
	defer node.Close()
	node.SetResult("getSlot", []byte("18446744073709551615"))
	srv := start(t, "SOLANA_RPC_URL="+node.URL())

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs := connect(t, ctx, srv.base+"/mcp", "")
	if got := text(t, callTool(t, ctx, cs, "getSlot", `{}`)); got != "18446744073709551615" {
		t.Fatalf("getSlot = %s", got)
	}
	if got := cs.InitializeResult().ProtocolVersion; got != "2026-07-28" {
		t.Errorf("negotiated %s, want the stateless 2026-07-28 revision", got)
	}
}
