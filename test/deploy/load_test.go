package deploy

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// mcpProtocolVersion is the MCP revision the test clients speak.
const mcpProtocolVersion = "2025-11-25"

// upstreamHeader names the replica that answered, added by the test copy of nginx.conf.
const upstreamHeader = "X-Upstream-Addr"

// replicaRecorder is the http.RoundTripper of one client. It counts, per replica, the
// responses the client got, from the header nginx adds.
//
// It also marks each POST as idempotent (Idempotency-Key), which every tool of the load is,
// so that Go's transport sends it again on a fresh connection when nginx closed the pooled
// one before reading it: nginx does that to idle client connections when a reload retires
// its old workers, and an HTTP client must expect it (RFC 9112 §9.3.1). Such replays are
// counted; that none of them ran a call twice is checked against the node's count.
type replicaRecorder struct {
	next    http.RoundTripper
	replays atomic.Int64
	mu      sync.Mutex
	seen    map[string]int
}

func newReplicaRecorder() *replicaRecorder {
	return &replicaRecorder{
		next: &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second},
		seen: map[string]int{},
	}
}

func (r *replicaRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost {
		return r.next.RoundTrip(req)
	}
	var conns int
	ctx := httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { conns++ },
	})
	req = req.Clone(ctx)
	req.Header.Set("Idempotency-Key", strconv.FormatUint(rand.Uint64(), 36))
	resp, err := r.next.RoundTrip(req)
	if conns > 1 {
		r.replays.Add(int64(conns - 1))
	}
	if err == nil {
		if addr := resp.Header.Get(upstreamHeader); addr != "" {
			r.mu.Lock()
			r.seen[addr]++
			r.mu.Unlock()
		}
	}
	return resp, err
}

// replicas returns how many calls each replica answered.
func (r *replicaRecorder) replicas() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.seen))
	for k, v := range r.seen {
		out[k] = v
	}
	return out
}

// caller makes one tool call and returns the first text content and the isError flag. An
// error means the call itself failed (transport, HTTP status, JSON-RPC error).
type caller interface {
	call(ctx context.Context, c callCase) (text string, isError bool, err error)
	close()
}

// sdkCaller calls through a session of the official Go SDK's Streamable HTTP client.
type sdkCaller struct{ cs *mcp.ClientSession }

func newSDKCaller(ctx context.Context, endpoint string, rec *replicaRecorder) (*sdkCaller, error) {
	client := mcp.NewClient(&mcp.Implementation{Name: "deploy-test", Version: "v0.0.0"}, nil)
	cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{
		Endpoint:             endpoint,
		HTTPClient:           &http.Client{Transport: rec},
		DisableStandaloneSSE: true, // the server answers GET /mcp with 405
		MaxRetries:           -1,   // a lost call must show, not be retried away
	}, &mcp.ClientSessionOptions{ProtocolVersion: mcpProtocolVersion})
	if err != nil {
		return nil, err
	}
	return &sdkCaller{cs: cs}, nil
}

func (s *sdkCaller) call(ctx context.Context, c callCase) (string, bool, error) {
	res, err := s.cs.CallTool(ctx, &mcp.CallToolParams{Name: c.tool, Arguments: c.args})
	if err != nil {
		return "", false, err
	}
	if len(res.Content) == 0 {
		return "", res.IsError, errors.New("result without content")
	}
	tc, ok := res.Content[0].(*mcp.TextContent)
	if !ok {
		return "", res.IsError, fmt.Errorf("first content is %T, want text", res.Content[0])
	}
	return tc.Text, res.IsError, nil
}

func (s *sdkCaller) close() { _ = s.cs.Close() }

// rawCaller posts JSON-RPC tools/call requests itself, with no initialize: the server is
// stateless, so every request stands alone. It alternates between /mcp and /api/mcp.
type rawCaller struct {
	base   string
	client *http.Client
	id     int
}

func (r *rawCaller) call(ctx context.Context, c callCase) (string, bool, error) {
	r.id++
	path := "/mcp"
	if r.id%2 == 0 {
		path = "/api/mcp"
	}
	body, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0",
		"id":      r.id,
		"method":  "tools/call",
		"params":  map[string]any{"name": c.tool, "arguments": c.args},
	})
	if err != nil {
		return "", false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.base+path, bytes.NewReader(body))
	if err != nil {
		return "", false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", mcpProtocolVersion)
	resp, err := r.client.Do(req)
	if err != nil {
		return "", false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return "", false, fmt.Errorf("%s %s: %s %s", req.Method, path, resp.Status, b)
	}
	msg, err := readJSONRPC(resp)
	if err != nil {
		return "", false, err
	}
	var rpc struct {
		ID     int             `json:"id"`
		Error  json.RawMessage `json:"error"`
		Result struct {
			Content []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"content"`
			IsError bool `json:"isError"`
		} `json:"result"`
	}
	if err := json.Unmarshal(msg, &rpc); err != nil {
		return "", false, fmt.Errorf("decode %.200s: %w", msg, err)
	}
	switch {
	case rpc.ID != r.id:
		return "", false, fmt.Errorf("answer to id %d, want %d", rpc.ID, r.id)
	case rpc.Error != nil:
		return "", false, fmt.Errorf("JSON-RPC error %s", rpc.Error)
	case len(rpc.Result.Content) == 0 || rpc.Result.Content[0].Type != "text":
		return "", rpc.Result.IsError, fmt.Errorf("no text content in %.200s", msg)
	}
	return rpc.Result.Content[0].Text, rpc.Result.IsError, nil
}

func (r *rawCaller) close() { r.client.CloseIdleConnections() }

// readJSONRPC returns the JSON-RPC response of a Streamable HTTP reply, which is either
// application/json or a text/event-stream whose last message is the response.
func readJSONRPC(resp *http.Response) ([]byte, error) {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		return io.ReadAll(resp.Body)
	case "text/event-stream":
		var last, data []byte
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 8<<20)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "data:"):
				data = append(data, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " ")...)
			case line == "" && len(data) > 0:
				last, data = data, nil
			}
		}
		if len(data) > 0 {
			last = data
		}
		if last == nil {
			return nil, fmt.Errorf("event stream without a message: %v", sc.Err())
		}
		return last, sc.Err()
	default:
		return nil, fmt.Errorf("content type %q", ct)
	}
}

// loadStats adds up what the clients saw.
type loadStats struct {
	calls        atomic.Int64 // tool calls made
	failed       atomic.Int64 // calls that failed or got a wrong answer
	expectedErrs atomic.Int64 // calls rightly answered with a tool error
	upstream     atomic.Int64 // calls that must have reached the upstream once

	mu       sync.Mutex
	failures []string
}

func (s *loadStats) record(client string, c callCase, err error) {
	s.calls.Add(1)
	if c.upstream {
		s.upstream.Add(1)
	}
	if err == nil {
		if c.want == nil {
			s.expectedErrs.Add(1)
		}
		return
	}
	s.failed.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) < 20 {
		s.failures = append(s.failures,
			fmt.Sprintf("%s %s: %v", time.Now().Format("15:04:05.000"), client, err))
	}
}

// loadClient is one client of the load: a caller and the replicas that answered it.
type loadClient struct {
	name string
	c    caller
	rec  *replicaRecorder
}

// runLoad makes calls from every client, each in turn through the cases, until stop is
// closed; a call in flight then still finishes. It returns when all clients are done.
func runLoad(clients []*loadClient, cases []callCase, stats *loadStats, stop <-chan struct{},
	pause time.Duration) {
	var wg sync.WaitGroup
	for i, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := i; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				c := cases[n%len(cases)]
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				text, isError, err := cl.c.call(ctx, c)
				cancel()
				if err == nil {
					err = c.check(text, isError)
				}
				stats.record(cl.name, c, err)
				time.Sleep(pause)
			}
		}()
	}
	wg.Wait()
}
