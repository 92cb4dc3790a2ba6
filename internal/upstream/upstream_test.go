package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/solana-mcp/solana-mcp-server/internal/config"
	"github.com/solana-mcp/solana-mcp-server/internal/errclass"
	"github.com/solana-mcp/solana-mcp-server/internal/metrics"
	"github.com/solana-mcp/solana-mcp-server/pkg/rpcfake"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// The HTTP transport keeps idle connections' goroutines until they time out.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

const slotResult = `{"jsonrpc":"2.0","result":1234,"id":1}`

// newNetwork builds a client for one network "mainnet" over the given URLs.
func newNetwork(t *testing.T, opts Options, urls ...string) (*Network, *metrics.Metrics) {
	t.Helper()
	n := config.Network{Name: "mainnet"}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		n.URLs = append(n.URLs, u)
	}
	m := metrics.New()
	opts.Metrics = m
	c := New([]config.Network{n}, opts)
	t.Cleanup(c.Close)
	return c.Network("mainnet"), m
}

func node(t *testing.T) *rpcfake.Server {
	t.Helper()
	s := rpcfake.New()
	s.SetResponse("getSlot", 200, json.RawMessage(slotResult))
	t.Cleanup(s.Close)
	return s
}

func callSlot(t *testing.T, n *Network, timeout time.Duration) (json.RawMessage, *Error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	res, err := n.Call(ctx, "getSlot", nil, Read)
	if err == nil {
		return res, nil
	}
	var ue *Error
	if !errors.As(err, &ue) {
		t.Fatalf("error %T %v is not *upstream.Error", err, err)
	}
	return nil, ue
}

func upstreamCount(m *metrics.Metrics, upstream, outcome string) float64 {
	return metricValue(m, "solana_mcp_upstream_requests_total",
		map[string]string{"network": "mainnet", "upstream": upstream, "outcome": outcome})
}

// metricValue reads a counter or gauge with exactly these labels; 0 when absent.
func metricValue(m *metrics.Metrics, name string, labels map[string]string) float64 {
	fams, err := m.Registry().Gather()
	if err != nil {
		return -1
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, mm := range f.GetMetric() {
			match := len(mm.GetLabel()) == len(labels)
			for _, l := range mm.GetLabel() {
				match = match && labels[l.GetName()] == l.GetValue()
			}
			if match {
				return mm.GetCounter().GetValue() + mm.GetGauge().GetValue()
			}
		}
	}
	return 0
}

func TestFailoverToSecondURL(t *testing.T) {
	faults := []struct {
		name  string
		fault rpcfake.Fault
		class errclass.Class
	}{
		{"HTTP 500", rpcfake.Fault{Status: 500, Body: []byte("oops")}, errclass.Upstream},
		{"HTTP 429", rpcfake.Fault{Status: 429}, errclass.RateLimited},
		{"connection reset", rpcfake.Fault{Reset: true}, errclass.Network},
		{"garbage body", rpcfake.Fault{Status: 200, Body: []byte("<html>")}, errclass.Upstream},
		{"node behind", rpcfake.Fault{Status: 200, Body: []byte(
			`{"jsonrpc":"2.0","error":{"code":-32005,"message":"Node is behind by 9 slots"},"id":1}`)},
			errclass.RPC},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			first, second := node(t), node(t)
			first.SetFault(rpcfake.AnyMethod, &f.fault)
			n, m := newNetwork(t, Options{}, first.URL(), second.URL())

			res, err := callSlot(t, n, 5*time.Second)
			if err != nil {
				t.Fatalf("call failed: %v", err)
			}
			if string(res) != "1234" {
				t.Fatalf("result = %s, want 1234", res)
			}
			if first.Count("getSlot") != 1 || second.Count("getSlot") != 1 {
				t.Fatalf("requests: first %d, second %d; want 1 and 1",
					first.Count("getSlot"), second.Count("getSlot"))
			}
			firstLabel := config.RedactURLString(first.URL())
			if got := upstreamCount(m, firstLabel, string(f.class)); got != 1 {
				t.Errorf("upstream_requests_total{outcome=%s} = %v, want 1", f.class, got)
			}
		})
	}
}

func TestFinalErrorsAreNotRetried(t *testing.T) {
	first, second := node(t), node(t)
	first.SetFault(rpcfake.AnyMethod, &rpcfake.Fault{Status: 200, Body: []byte(
		`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid param: WrongSize"},"id":1}`)})
	n, _ := newNetwork(t, Options{Retries: 2}, first.URL(), second.URL())

	_, err := callSlot(t, n, 5*time.Second)
	if err == nil || err.Class != errclass.RPC || err.Error() != "RPC error -32602: Invalid param: WrongSize" {
		t.Fatalf("err = %v, want the node's -32602", err)
	}
	if first.Count("getSlot") != 1 || second.Count("getSlot") != 0 {
		t.Fatalf("requests: first %d, second %d; want 1 and 0",
			first.Count("getSlot"), second.Count("getSlot"))
	}
}

func TestRateLimitedThenSuccess(t *testing.T) {
	cases := []struct {
		name   string
		header http.Header
	}{
		{"with Retry-After", http.Header{"Retry-After": {"1"}}},
		{"without Retry-After", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := node(t)
			s.SetFault("getSlot", &rpcfake.Fault{Status: 429, Header: c.header, Times: 1})
			n, _ := newNetwork(t, Options{Retries: 2}, s.URL())

			start := time.Now()
			res, err := callSlot(t, n, 10*time.Second)
			if err != nil {
				t.Fatalf("call failed: %v", err)
			}
			if string(res) != "1234" || s.Count("getSlot") != 2 {
				t.Fatalf("result %s after %d requests, want 1234 after 2", res, s.Count("getSlot"))
			}
			if c.header != nil && time.Since(start) < 900*time.Millisecond {
				t.Errorf("retried after %s; Retry-After asked for 1s", time.Since(start))
			}
		})
	}
}

func TestRetryAfterBeyondCapFailsAtOnce(t *testing.T) {
	s := node(t)
	s.SetFault("getSlot", &rpcfake.Fault{Status: 429,
		Header: http.Header{"Retry-After": {"120"}}})
	n, _ := newNetwork(t, Options{Retries: 2, MaxRetryAfter: 2 * time.Second}, s.URL())

	_, err := callSlot(t, n, 10*time.Second)
	if err == nil || err.Class != errclass.RateLimited {
		t.Fatalf("err = %v, want rate_limited", err)
	}
	if !strings.Contains(err.Error(), "upstream rate limited (HTTP 429) on mainnet") ||
		!strings.Contains(err.Error(), "retry after 2m0s") {
		t.Errorf("message %q lacks the status or the advice", err)
	}
	if s.Count("getSlot") != 1 {
		t.Errorf("sent %d times, want 1", s.Count("getSlot"))
	}
}

func TestHangEndsAtDeadline(t *testing.T) {
	s := node(t)
	s.SetFault("getSlot", &rpcfake.Fault{Hang: true})
	n, _ := newNetwork(t, Options{Retries: 2}, s.URL())

	start := time.Now()
	_, err := callSlot(t, n, 500*time.Millisecond)
	took := time.Since(start)
	if err == nil || err.Class != errclass.Timeout {
		t.Fatalf("err = %v, want timeout", err)
	}
	if took > 3*time.Second {
		t.Errorf("call took %s, want about the 500ms deadline", took)
	}
	if !strings.Contains(err.Error(), "timed out") {
		t.Errorf("message %q does not say it timed out", err)
	}
}

func TestHangingFirstURLLeavesTimeForSecond(t *testing.T) {
	first, second := node(t), node(t)
	first.SetFault("getSlot", &rpcfake.Fault{Hang: true})
	n, _ := newNetwork(t, Options{}, first.URL(), second.URL())

	res, err := callSlot(t, n, 2*time.Second)
	if err != nil || string(res) != "1234" {
		t.Fatalf("res=%s err=%v; want the second URL's answer", res, err)
	}
}

func TestClientCancellationReachesUpstream(t *testing.T) {
	s := node(t)
	s.SetFault("getSlot", &rpcfake.Fault{Hang: true})
	n, _ := newNetwork(t, Options{Retries: 2}, s.URL())

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := n.Call(ctx, "getSlot", nil, Read)
	if err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("err=%v after %s; want a quick failure after cancel", err, time.Since(start))
	}
	if s.Count("getSlot") != 1 {
		t.Errorf("sent %d times after cancel, want 1", s.Count("getSlot"))
	}
}

func TestWritesAreNeverSentTwice(t *testing.T) {
	faults := []struct {
		name  string
		fault rpcfake.Fault
	}{
		{"HTTP 500", rpcfake.Fault{Status: 500}},
		{"reset after receiving", rpcfake.Fault{Reset: true}},
		{"node behind", rpcfake.Fault{Status: 200, Body: []byte(
			`{"jsonrpc":"2.0","error":{"code":-32005,"message":"Node is unhealthy"},"id":1}`)}},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			first, second := node(t), node(t)
			first.SetFault(rpcfake.AnyMethod, &f.fault)
			n, _ := newNetwork(t, Options{Retries: 3}, first.URL(), second.URL())

			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := n.Call(ctx, "sendTransaction", []json.RawMessage{json.RawMessage(`"tx"`)}, Write)
			if err == nil {
				t.Fatal("write succeeded, want the first URL's failure")
			}
			var ue *Error
			if errors.As(err, &ue) && ue.Class != errclass.RPC &&
				(strings.Contains(err.Error(), "retrying later may help") ||
					!strings.Contains(err.Error(), "getSignatureStatuses")) {
				t.Errorf("write error %q must not advise a blind retry", err)
			}
			total := first.Count("sendTransaction") + second.Count("sendTransaction")
			if total != 1 {
				t.Fatalf("sendTransaction sent %d times, want exactly once", total)
			}
		})
	}
}

func TestWriteMovesOnWhenNotReceived(t *testing.T) {
	// A refused connection proves the node never saw the write: the next URL may have it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	_ = ln.Close()
	second := node(t)
	second.SetResult("sendTransaction", json.RawMessage(`"sig"`))
	n, _ := newNetwork(t, Options{}, refused, second.URL())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := n.Call(ctx, "sendTransaction", []json.RawMessage{json.RawMessage(`"tx"`)}, Write)
	if err != nil || string(res) != `"sig"` {
		t.Fatalf("res=%s err=%v, want the second URL's answer", res, err)
	}
}

func TestWriteMovesOnAfterRateLimit(t *testing.T) {
	// A 429 is a refusal at the door: the node never took the transaction.
	first, second := node(t), node(t)
	first.SetFault(rpcfake.AnyMethod, &rpcfake.Fault{Status: 429})
	second.SetResult("sendTransaction", json.RawMessage(`"sig"`))
	n, _ := newNetwork(t, Options{}, first.URL(), second.URL())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := n.Call(ctx, "sendTransaction", []json.RawMessage{json.RawMessage(`"tx"`)}, Write)
	if err != nil || string(res) != `"sig"` {
		t.Fatalf("res=%s err=%v, want the second URL's answer", res, err)
	}
	if second.Count("sendTransaction") != 1 {
		t.Errorf("second URL got %d sends, want 1", second.Count("sendTransaction"))
	}
}

func TestSameHostURLsKeepApart(t *testing.T) {
	s := node(t)
	n, m := newNetwork(t, Options{}, s.URL()+"/KEY1", s.URL()+"/KEY2")
	if _, err := callSlot(t, n, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	label := config.RedactURLString(s.URL())
	for _, l := range []string{label, label + "#2"} {
		up := metricValue(m, "solana_mcp_upstream_up",
			map[string]string{"network": "mainnet", "upstream": l})
		if up != 1 {
			t.Errorf("upstream_up{upstream=%q} = %v, want 1", l, up)
		}
	}
}

func TestSetAsideKeepsTheCause(t *testing.T) {
	s := node(t)
	s.SetFault(rpcfake.AnyMethod, &rpcfake.Fault{Status: 502})
	n, _ := newNetwork(t, Options{Cooldown: time.Minute}, s.URL())
	for i := 0; i < failuresToTrip; i++ {
		_, _ = callSlot(t, n, 5*time.Second)
	}
	_, err := callSlot(t, n, 5*time.Second)
	if err == nil || err.Class != errclass.Upstream || !strings.Contains(err.Error(), "set aside") ||
		!strings.Contains(err.Error(), "last failure: upstream on mainnet") ||
		!strings.Contains(err.Error(), "HTTP 502") {
		t.Fatalf("err = %v, want set aside naming the last failure (HTTP 502)", err)
	}
	if s.Count("getSlot") != failuresToTrip {
		t.Errorf("node got %d requests, want %d", s.Count("getSlot"), failuresToTrip)
	}
}

func TestBreakerSetsFailingURLAside(t *testing.T) {
	first, second := node(t), node(t)
	first.SetFault(rpcfake.AnyMethod, &rpcfake.Fault{Status: 503})
	n, m := newNetwork(t, Options{Cooldown: time.Minute}, first.URL(), second.URL())

	for i := 0; i < 10; i++ {
		if _, err := callSlot(t, n, 5*time.Second); err != nil {
			t.Fatalf("call %d failed: %v", i, err)
		}
	}
	if got := first.Count("getSlot"); got != failuresToTrip {
		t.Errorf("failing URL got %d requests, want %d before it was set aside",
			got, failuresToTrip)
	}
	label := config.RedactURLString(first.URL())
	up := metricValue(m, "solana_mcp_upstream_up",
		map[string]string{"network": "mainnet", "upstream": label})
	if up != 0 {
		t.Errorf("upstream_up for the failing URL = %v, want 0", up)
	}
}

func TestSecretsStayOutOfErrorsAndMetrics(t *testing.T) {
	s := node(t)
	s.SetFault(rpcfake.AnyMethod, &rpcfake.Fault{Status: 502})
	secretURL := s.URL() + "/v2/SECRETPATHKEY?api-key=SECRETQUERYKEY"
	n, m := newNetwork(t, Options{}, secretURL)

	_, err := callSlot(t, n, 5*time.Second)
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("error text leaks the key: %s", err)
	}
	fams, gerr := m.Registry().Gather()
	if gerr != nil {
		t.Fatal(gerr)
	}
	for _, f := range fams {
		for _, mm := range f.GetMetric() {
			for _, l := range mm.GetLabel() {
				if strings.Contains(l.GetValue(), "SECRET") {
					t.Errorf("metric %s label %s leaks the key", f.GetName(), l.GetName())
				}
			}
		}
	}
}

func TestCustomHeadersReachUpstream(t *testing.T) {
	s := node(t)
	u, _ := url.Parse(s.URL())
	c := New([]config.Network{{Name: "mainnet", URLs: []*url.URL{u},
		Headers: map[string]string{"x-api-key": "k123"}}}, Options{})
	defer c.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.Network("mainnet").Call(ctx, "getSlot", nil, Read); err != nil {
		t.Fatal(err)
	}
	if got := s.Requests()[0].Header.Get("x-api-key"); got != "k123" {
		t.Errorf("x-api-key = %q, want k123", got)
	}
}

func TestResultTooLarge(t *testing.T) {
	s := node(t)
	big := `"` + strings.Repeat("a", 5000) + `"`
	s.SetResult("getSlot", json.RawMessage(big))
	n, _ := newNetwork(t, Options{MaxResultBytes: 1024}, s.URL())

	_, err := callSlot(t, n, 5*time.Second)
	if err == nil || !errors.Is(err, ErrResultTooLarge) {
		t.Fatalf("err = %v, want ErrResultTooLarge", err)
	}
	if !strings.Contains(err.Error(), "over the limit of 1024 bytes") ||
		!strings.Contains(err.Error(), "5073 bytes") {
		t.Errorf("message %q does not give the sizes", err)
	}
}

func TestResultNullAndBytesKept(t *testing.T) {
	s := node(t)
	s.SetResponse("getSlot", 200, json.RawMessage(
		`{"jsonrpc":"2.0","result":{"value": 18446744073709551615, "x": 1.50},"id":1,"extra":true}`))
	n, _ := newNetwork(t, Options{}, s.URL())
	res, err := callSlot(t, n, 5*time.Second)
	if err != nil || string(res) != `{"value": 18446744073709551615, "x": 1.50}` {
		t.Fatalf("res=%s err=%v; want the bytes as sent", res, err)
	}

	s.SetResponse("getSlot", 200, json.RawMessage(`{"jsonrpc":"2.0","result":null,"id":1}`))
	res, err = callSlot(t, n, 5*time.Second)
	if err != nil || string(res) != "null" {
		t.Fatalf("res=%q err=%v; want null", res, err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"3", 3 * time.Second}, {"-1", 0}, {"soon", 0},
		{time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 0},
	}
	for _, c := range cases {
		if got := parseRetryAfter(c.in); got != c.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	future := time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat)
	if got := parseRetryAfter(future); got < 8*time.Second || got > 11*time.Second {
		t.Errorf("parseRetryAfter(date in 10s) = %v", got)
	}
}

func TestLocalRateLimit(t *testing.T) {
	s := node(t)
	n, _ := newNetwork(t, Options{RPS: 1}, s.URL())

	if _, err := callSlot(t, n, time.Second); err != nil {
		t.Fatalf("first call: %v", err)
	}
	// The next slot is a second away, past this call's deadline.
	_, err := callSlot(t, n, 200*time.Millisecond)
	if err == nil || err.Class != errclass.RateLimited ||
		!strings.Contains(err.Error(), "SOLANA_MCP_UPSTREAM_RPS") {
		t.Fatalf("err = %v, want the local rate limit", err)
	}
	if s.Count("getSlot") != 1 {
		t.Errorf("node got %d requests, want 1", s.Count("getSlot"))
	}
}

func TestRateLimitedJSONBody(t *testing.T) {
	s := node(t)
	s.SetFault("getSlot", &rpcfake.Fault{Status: 200, Body: []byte(
		`{"jsonrpc":"2.0","error":{"code":429,"message":"Too many requests"},"id":1}`)})
	n, _ := newNetwork(t, Options{}, s.URL())
	_, err := callSlot(t, n, time.Second)
	if err == nil || err.Class != errclass.RateLimited ||
		!strings.Contains(err.Error(), "RPC error 429: Too many requests") {
		t.Fatalf("err = %v, want rate_limited naming the node's error", err)
	}
}

// TestCallerCausedNodeErrorsDoNotTripTheBreaker: a node error that the caller's own
// arguments cause (-32016, minContextSlot not reached) is retried, but never sets the URL
// aside for everyone else.
func TestCallerCausedNodeErrorsDoNotTripTheBreaker(t *testing.T) {
	s := node(t)
	s.SetResponse("getBalance", 200, json.RawMessage(`{"jsonrpc":"2.0","error":{"code":-32016,`+
		`"message":"Minimum context slot has not been reached"},"id":1}`))
	n, _ := newNetwork(t, Options{Retries: 2}, s.URL())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := 0; i < 3; i++ {
		if _, err := n.Call(ctx, "getBalance", nil, Read); err == nil {
			t.Fatal("want the node's -32016")
		}
	}
	if _, err := callSlot(t, n, 5*time.Second); err != nil {
		t.Fatalf("getSlot after -32016 answers: %v; the URL must stay in use", err)
	}
}

// TestProbeErrorIsTheAnswer: getHealth's -32005 says the node is behind; that is the
// answer, so it is not sent to the next URL, retried, or held against the URL.
func TestProbeErrorIsTheAnswer(t *testing.T) {
	first, second := node(t), node(t)
	first.SetResponse("getHealth", 200, json.RawMessage(`{"jsonrpc":"2.0","error":{"code":-32005,`+
		`"message":"Node is behind by 42 slots","data":{"numSlotsBehind":42}},"id":1}`))
	n, _ := newNetwork(t, Options{Retries: 2}, first.URL(), second.URL())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := 0; i < failuresToTrip+1; i++ {
		_, err := n.Call(ctx, "getHealth", nil, Probe)
		var ue *Error
		if !errors.As(err, &ue) || ue.RPCCode != -32005 {
			t.Fatalf("err = %v, want the node's -32005", err)
		}
	}
	if first.Count("getHealth") != failuresToTrip+1 || second.Count("getHealth") != 0 {
		t.Fatalf("first got %d, second %d; want every probe on the first URL only",
			first.Count("getHealth"), second.Count("getHealth"))
	}
}

func TestAuthRefusalFailsOverOnce(t *testing.T) {
	first, second := node(t), node(t)
	first.SetFault(rpcfake.AnyMethod, &rpcfake.Fault{Status: 401})
	n, _ := newNetwork(t, Options{Retries: 2}, first.URL(), second.URL())
	if res, err := callSlot(t, n, 5*time.Second); err != nil || string(res) != "1234" {
		t.Fatalf("res=%s err=%v; want the second URL's answer", res, err)
	}

	only := node(t)
	only.SetFault(rpcfake.AnyMethod, &rpcfake.Fault{Status: 403})
	n, _ = newNetwork(t, Options{Retries: 2}, only.URL())
	_, err := callSlot(t, n, 5*time.Second)
	if err == nil || err.Class != errclass.Auth || !strings.Contains(err.Error(), "API key") {
		t.Fatalf("err = %v, want auth naming the API key", err)
	}
	if only.Count("getSlot") != 1 {
		t.Errorf("refused key tried %d times, want 1 (no extra rounds)", only.Count("getSlot"))
	}
}

func TestOversizedResultStopsReadingAtOnce(t *testing.T) {
	// A body larger than the limit that never ends: the call must not wait for it.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":1,"result":"` + strings.Repeat("a", 4096)))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	defer srv.CloseClientConnections()
	n, _ := newNetwork(t, Options{MaxResultBytes: 1024}, srv.URL)

	start := time.Now()
	_, err := callSlot(t, n, 5*time.Second)
	if err == nil || !errors.Is(err, ErrResultTooLarge) ||
		!strings.Contains(err.Error(), "more than 1024 bytes") {
		t.Fatalf("err = %v, want too large, more than 1024 bytes", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %s; the rest of the body must not be awaited", time.Since(start))
	}
}

func TestUnwrapChainHoldsNoSecret(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/v2/SECRETPATHKEY?api-key=SECRETQUERYKEY"
	_ = ln.Close()
	n, _ := newNetwork(t, Options{}, refused)

	_, uerr := callSlot(t, n, 5*time.Second)
	if uerr == nil {
		t.Fatal("want an error")
	}
	for e := error(uerr); e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), "SECRET") || strings.Contains(fmt.Sprintf("%+v", e), "SECRET") {
			t.Fatalf("error chain leaks the key at %T: %v", e, e)
		}
	}
}

// TestSetAsideUnderConcurrentWrites runs failing writes and reads at once (under -race
// in `make test`): the failure kept for set-aside messages is a copy, never the write's
// own error, so reads neither race with it nor inherit its transaction advice.
func TestSetAsideUnderConcurrentWrites(t *testing.T) {
	s := node(t)
	s.SetFault(rpcfake.AnyMethod, &rpcfake.Fault{Status: 500})
	n, _ := newNetwork(t, Options{Cooldown: time.Minute}, s.URL())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			kind, method := Read, "getSlot"
			if i%2 == 0 {
				kind, method = Write, "sendTransaction"
			}
			for j := 0; j < 5; j++ {
				_, err := n.Call(ctx, method, nil, kind)
				if err == nil {
					t.Error("want an error")
					return
				}
				msg := err.Error()
				if kind == Read && strings.Contains(msg, "getSignatureStatuses") {
					t.Errorf("a read got the transaction advice: %s", msg)
				}
			}
		}(i)
	}
	wg.Wait()
}
