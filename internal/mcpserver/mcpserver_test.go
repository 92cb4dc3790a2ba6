package mcpserver_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/goleak"

	"github.com/solana-mcp/solana-mcp-server/internal/config"
	"github.com/solana-mcp/solana-mcp-server/internal/httpserver"
	"github.com/solana-mcp/solana-mcp-server/internal/mcpserver"
	"github.com/solana-mcp/solana-mcp-server/internal/metrics"
	"github.com/solana-mcp/solana-mcp-server/internal/upstream"
	"github.com/solana-mcp/solana-mcp-server/pkg/rpcfake"
)

// TestMain fails the package when a test leaves goroutines behind: servers, clients
// and upstream connections must all be closed by the tests that open them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// env is one replica under test: the MCP server behind the real router, served by
// httptest, with two fake nodes (mainnet, the default, and devnet) upstream and a Go
// SDK client connected to it.
type env struct {
	mainnet, devnet *rpcfake.Server
	metrics         *metrics.Metrics
	session         *mcp.ClientSession
	// bodies records the raw HTTP response bodies the client received, so that the
	// exact bytes of structuredContent can be checked (the SDK decodes it into any).
	bodies *recorder
}

// envOptions change the replica's settings from the defaults of [newEnv].
type envOptions struct {
	commitment     string
	maxResultBytes int64
	toolsets       []string
	disableWrite   bool
}

// newEnv starts a replica with commitment "confirmed" (unless set), max transaction
// version 1, every toolset and write tools enabled. Everything stops at the end of
// the test.
func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	if o.commitment == "" {
		o.commitment = "confirmed"
	}
	if o.toolsets == nil {
		o.toolsets = config.Toolsets
	}
	e := &env{mainnet: rpcfake.New(), devnet: rpcfake.New(), metrics: metrics.New(),
		bodies: &recorder{next: http.DefaultTransport}}
	t.Cleanup(e.mainnet.Close)
	t.Cleanup(e.devnet.Close)

	up := upstream.New([]config.Network{
		{Name: "mainnet", URLs: []*url.URL{mustURL(t, e.mainnet.URL())}},
		{Name: "devnet", URLs: []*url.URL{mustURL(t, e.devnet.URL())}},
	}, upstream.Options{MaxResultBytes: o.maxResultBytes, Metrics: e.metrics})
	t.Cleanup(up.Close)

	ready := &atomic.Bool{}
	ready.Store(true)
	srv := httptest.NewServer(httpserver.NewRouter(httpserver.RouterOptions{
		MCP: mcpserver.New(mcpserver.Options{
			Upstream:     up,
			Metrics:      e.metrics,
			Commitment:   o.commitment,
			MaxTxVersion: "1",
			Timeout:      10 * time.Second,
			Toolsets:     o.toolsets,
			EnableWrite:  !o.disableWrite,
		}),
		Metrics:      e.metrics,
		Ready:        ready,
		MaxBodyBytes: 1 << 20,
	}))
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	httpClient := &http.Client{Transport: e.bodies}
	t.Cleanup(httpClient.CloseIdleConnections)
	client := mcp.NewClient(&mcp.Implementation{Name: "mcpserver-test", Version: "v0.0.1"}, nil)
	cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{
		Endpoint:             srv.URL + "/mcp",
		HTTPClient:           httpClient,
		DisableStandaloneSSE: true,
		MaxRetries:           -1,
	}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	e.session = cs
	return e
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// reset forgets the requests both nodes received.
func (e *env) reset() {
	e.mainnet.Reset()
	e.devnet.Reset()
}

// requests is how many requests both nodes received since the last reset.
func (e *env) requests() int {
	return len(e.mainnet.Requests()) + len(e.devnet.Requests())
}

// call calls a tool with raw JSON arguments, so that numbers keep their digits. A
// protocol error fails the test; tool errors are returned as results.
func (e *env) call(t *testing.T, tool, args string) *mcp.CallToolResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := e.session.CallTool(ctx, &mcp.CallToolParams{Name: tool,
		Arguments: json.RawMessage(args)})
	if err != nil {
		t.Fatalf("%s(%s): protocol error: %v", tool, args, err)
	}
	return res
}

// text returns the single text content of a result.
func text(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	if len(res.Content) != 1 {
		t.Fatalf("result has %d content items, want 1", len(res.Content))
	}
	tc, ok := res.Content[0].(*mcp.TextContent)
	if !ok {
		t.Fatalf("content is %T, want text", res.Content[0])
	}
	return tc.Text
}

// lastStructured returns the raw structuredContent of the last tools/call response.
func (e *env) lastStructured(t *testing.T) json.RawMessage {
	t.Helper()
	var msg struct {
		Result struct {
			StructuredContent json.RawMessage `json:"structuredContent"`
		} `json:"result"`
	}
	if err := json.Unmarshal(e.bodies.last(), &msg); err != nil {
		t.Fatalf("last response %q: %v", e.bodies.last(), err)
	}
	return msg.Result.StructuredContent
}

// recorder is an HTTP transport that keeps the last JSON-RPC message the server
// answered with (unwrapped from SSE when the answer was a stream).
type recorder struct {
	next http.RoundTripper

	mu   sync.Mutex
	body []byte
}

// RoundTrip implements http.RoundTripper.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || req.Method != http.MethodPost {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	msg := body
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		msg = nil
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data:"); ok {
				msg = []byte(strings.TrimSpace(data))
			}
		}
	}
	r.mu.Lock()
	r.body = msg
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) last() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.body
}

// fixtures loads the shared Solana fixtures.
func fixtures(t *testing.T) map[string]rpcfake.Fixture {
	t.Helper()
	fx, err := rpcfake.LoadSharedFixtures()
	if err != nil {
		t.Fatal(err)
	}
	return fx
}
