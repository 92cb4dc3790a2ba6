package upstream

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"

	"github.com/gagliardetto/solana-go"
	"github.com/gagliardetto/solana-go/rpc"

	"github.com/solana-mcp/solana-mcp-server/internal/config"
	"github.com/solana-mcp/solana-mcp-server/pkg/rpcfake"
)

// The two benchmarks below answer the same getAccountInfo fixture, side by side, to
// compare this package's raw forwarding with solana-go's typed decode and re-encode
// (which also loses fields and precision; see ../shared/notes/solana-rpc.md §1.8).
// Run: go test -run='^$' -bench=GetAccountInfo -benchmem ./internal/upstream/

func benchNode(b *testing.B) (*rpcfake.Server, rpcfake.Fixture) {
	b.Helper()
	fx, err := rpcfake.LoadSharedFixtures()
	if err != nil {
		b.Fatal(err)
	}
	f := fx["getAccountInfo_base64"]
	s := rpcfake.New()
	s.SetFixture(f)
	b.Cleanup(s.Close)
	return s, f
}

func BenchmarkGetAccountInfoRaw(b *testing.B) {
	s, f := benchNode(b)
	u, _ := url.Parse(s.URL())
	c := New([]config.Network{{Name: "mainnet", URLs: []*url.URL{u}}}, Options{})
	defer c.Close()
	n := c.Network("mainnet")
	params := []json.RawMessage{json.RawMessage(`"7xLk17EQQ5KLDLDe44wCmupJKJjTGd8hs3eSVVhCx932"`),
		json.RawMessage(`{"encoding":"base64"}`)}
	want := string(f.Result())
	ctx := context.Background()

	b.ReportAllocs()
	for b.Loop() {
		res, err := n.Call(ctx, "getAccountInfo", params, Read)
		if err != nil || string(res) != want {
			b.Fatalf("res=%s err=%v", res, err)
		}
	}
}

func BenchmarkGetAccountInfoTypedSolanaGo(b *testing.B) {
	s, _ := benchNode(b)
	cl := rpc.New(s.URL())
	defer cl.Close()
	key := solana.MustPublicKeyFromBase58("7xLk17EQQ5KLDLDe44wCmupJKJjTGd8hs3eSVVhCx932")
	ctx := context.Background()

	b.ReportAllocs()
	for b.Loop() {
		out, err := cl.GetAccountInfoWithOpts(ctx, key,
			&rpc.GetAccountInfoOpts{Encoding: solana.EncodingBase64})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(out); err != nil {
			b.Fatal(err)
		}
	}
}
