package httpserver

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/solana-mcp/solana-mcp-server/internal/metrics"
)

const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{` +
	`"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`

func newTestRouter(t *testing.T, mutate func(*RouterOptions)) (http.Handler, *atomic.Bool) {
	t.Helper()
	ready := &atomic.Bool{}
	ready.Store(true)
	o := RouterOptions{
		MCP:          server.NewMCPServer("test", "v0", server.WithToolCapabilities(false)),
		Metrics:      metrics.New(),
		Ready:        ready,
		MaxBodyBytes: 4096,
	}
	if mutate != nil {
		mutate(&o)
	}
	return NewRouter(o), ready
}

func do(h http.Handler, method, path, body string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestRoutes(t *testing.T) {
	h, _ := newTestRouter(t, nil)
	cases := []struct {
		name       string
		method     string
		path, body string
		header     map[string]string
		wantStatus int
		wantBody   string
		wantHeader map[string]string
	}{
		{name: "health", method: "GET", path: "/health", wantStatus: 200,
			wantBody: `"service":"solana-mcp-server"`},
		{name: "health HEAD", method: "HEAD", path: "/health", wantStatus: 200},
		{name: "ready", method: "GET", path: "/ready", wantStatus: 200},
		{name: "metrics", method: "GET", path: "/metrics", wantStatus: 200,
			wantBody: "solana_mcp_build_info"},
		{name: "initialize without session", method: "POST", path: "/mcp", body: initialize,
			wantStatus: 200, wantBody: `"protocolVersion":"2025-11-25"`},
		{name: "legacy path", method: "POST", path: "/api/mcp", body: initialize,
			wantStatus: 200, wantBody: `"protocolVersion":"2025-11-25"`},
		{name: "GET mcp is 405", method: "GET", path: "/mcp", wantStatus: 405,
			wantHeader: map[string]string{"Allow": "POST"}},
		{name: "DELETE mcp is 405", method: "DELETE", path: "/mcp", wantStatus: 405},
		{name: "GET api/mcp is 405", method: "GET", path: "/api/mcp", wantStatus: 405},
		{name: "tools/list needs no session", method: "POST", path: "/mcp",
			body:       `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
			header:     map[string]string{"Mcp-Session-Id": "bogus"},
			wantStatus: 200, wantBody: `"tools":[]`},
		{name: "body too large", method: "POST", path: "/mcp",
			body: `{"x":"` + strings.Repeat("a", 5000) + `"}`, wantStatus: 413,
			wantBody: "SOLANA_MCP_MAX_BODY_BYTES"},
		{name: "foreign origin is refused", method: "POST", path: "/mcp", body: initialize,
			header: map[string]string{"Origin": "https://evil.example"}, wantStatus: 403,
			wantBody: "not allowed"},
		{name: "localhost origin passes", method: "POST", path: "/mcp", body: initialize,
			header:     map[string]string{"Origin": "http://localhost:6274"},
			wantStatus: 200,
			wantHeader: map[string]string{"Access-Control-Allow-Origin": "http://localhost:6274"}},
		{name: "CORS preflight", method: "OPTIONS", path: "/mcp",
			header: map[string]string{"Origin": "http://127.0.0.1:6274",
				"Access-Control-Request-Method":  "POST",
				"Access-Control-Request-Headers": "content-type,mcp-protocol-version"},
			wantStatus: 200,
			wantHeader: map[string]string{"Access-Control-Allow-Origin": "http://127.0.0.1:6274"}},
		{name: "unknown path", method: "GET", path: "/nope", wantStatus: 404},
		{name: "ready HEAD", method: "HEAD", path: "/ready", wantStatus: 200},
		{name: "batch is refused plainly", method: "POST", path: "/mcp",
			body: "[" + initialize + "]", wantStatus: 400, wantBody: "batches are not supported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := do(h, c.method, c.path, c.body, c.header)
			if rec.Code != c.wantStatus {
				t.Fatalf("%s %s = %d, want %d; body %s", c.method, c.path, rec.Code,
					c.wantStatus, rec.Body)
			}
			if c.wantBody != "" && !strings.Contains(rec.Body.String(), c.wantBody) {
				t.Errorf("body %q lacks %q", rec.Body, c.wantBody)
			}
			for k, v := range c.wantHeader {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if rec.Header().Get("Mcp-Session-Id") != "" {
				t.Errorf("a session id was issued: %q", rec.Header().Get("Mcp-Session-Id"))
			}
		})
	}
}

// TestCancelNotificationIsNotForwarded: in mcp-go's stateless mode one client's
// notifications/cancelled would abort another client's call with the same id, so the
// router answers it itself. Client A's slow call with id 1 must survive client B's
// cancel of id 1.
func TestCancelNotificationIsNotForwarded(t *testing.T) {
	mcpServer := server.NewMCPServer("test", "v0", server.WithToolCapabilities(false))
	mcpServer.AddTool(mcp.NewTool("slow"),
		func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			select {
			case <-time.After(500 * time.Millisecond):
				return mcp.NewToolResultText("done"), nil
			case <-ctx.Done():
				return mcp.NewToolResultError("cancelled"), nil
			}
		})
	h, _ := newTestRouter(t, func(o *RouterOptions) { o.MCP = mcpServer })
	srv := httptest.NewServer(h)
	defer srv.Close()

	post := func(body string) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	answer := make(chan string, 1)
	go func() {
		_, body := post(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow"}}`)
		answer <- body
	}()
	time.Sleep(100 * time.Millisecond)
	if code, _ := post(`{"jsonrpc":"2.0","method":"notifications/cancelled",` +
		`"params":{"requestId":1}}`); code != 202 {
		t.Fatalf("cancel notification = %d, want 202", code)
	}
	if body := <-answer; !strings.Contains(body, "done") {
		t.Fatalf("client A's call = %s; another client's cancel must not reach it", body)
	}
}

func TestReadyTurns503WhenDraining(t *testing.T) {
	h, ready := newTestRouter(t, nil)
	ready.Store(false)
	if rec := do(h, "GET", "/ready", "", nil); rec.Code != 503 {
		t.Fatalf("/ready while draining = %d, want 503", rec.Code)
	}
	if rec := do(h, "GET", "/health", "", nil); rec.Code != 200 {
		t.Fatalf("/health while draining = %d, want 200 (liveness)", rec.Code)
	}
}

func TestAllowedOrigins(t *testing.T) {
	h, _ := newTestRouter(t, func(o *RouterOptions) {
		o.AllowedOrigins = []string{"https://app.example.com"}
	})
	if rec := do(h, "POST", "/mcp", initialize,
		map[string]string{"Origin": "https://app.example.com"}); rec.Code != 200 {
		t.Fatalf("allowed origin got %d", rec.Code)
	}
	if rec := do(h, "POST", "/mcp", initialize,
		map[string]string{"Origin": "https://app.example.com.evil.net"}); rec.Code != 403 {
		t.Fatalf("look-alike origin got %d, want 403", rec.Code)
	}
}

func TestBearerTokens(t *testing.T) {
	const token = "0123456789abcdef-token"
	h, _ := newTestRouter(t, func(o *RouterOptions) { o.AuthTokens = []string{token} })
	cases := []struct {
		name, auth string
		want       int
	}{
		{"no header", "", 401},
		{"wrong token", "Bearer nope-nope-nope-nope", 401},
		{"wrong scheme", "Basic " + token, 401},
		{"right token", "Bearer " + token, 200},
		{"scheme in lower case", "bearer " + token, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hdr := map[string]string{}
			if c.auth != "" {
				hdr["Authorization"] = c.auth
			}
			rec := do(h, "POST", "/mcp", initialize, hdr)
			if rec.Code != c.want {
				t.Fatalf("status %d, want %d", rec.Code, c.want)
			}
		})
	}
	// Probes stay open: orchestrators and Prometheus carry no token.
	for _, p := range []string{"/health", "/ready", "/metrics"} {
		if rec := do(h, "GET", p, "", nil); rec.Code != 200 {
			t.Errorf("%s with auth on = %d, want 200", p, rec.Code)
		}
	}
}

func TestChunkedBodyOverLimit(t *testing.T) {
	h, _ := newTestRouter(t, nil)
	req := httptest.NewRequest("POST", "/mcp", io.NopCloser(strings.NewReader(
		`{"x":"`+strings.Repeat("a", 5000)+`"}`)))
	req.ContentLength = -1 // unknown length, as with chunked encoding
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 413 {
		t.Fatalf("status %d, want 413", rec.Code)
	}
}
