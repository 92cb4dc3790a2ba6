// Package upstream sends JSON-RPC calls to the Solana RPC nodes of each configured
// network and returns their answers byte for byte.
//
// Each network has URLs in failover order. A URL that fails with a connection error, a
// 5xx, a 429 or a retryable node error trips its circuit breaker
// (github.com/sony/gobreaker) after a few failures in a row and is set aside for the
// cooldown; calls move on to the next URL. Reads are retried over the URLs with jittered
// exponential backoff (github.com/cenkalti/backoff) within the call's deadline; writes
// are never sent twice once a node may have received them.
//
// Requests go out through solana-go's JSON-RPC client; the response body is decoded
// here, so that the HTTP status and Retry-After stay visible, the body size is capped,
// and the result and error data are kept as raw JSON (no float64 on the way).
package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/gagliardetto/solana-go/rpc/jsonrpc"
	"github.com/sony/gobreaker/v2"
	"golang.org/x/time/rate"

	"github.com/solana-mcp/solana-mcp-server/internal/config"
	"github.com/solana-mcp/solana-mcp-server/internal/errclass"
	"github.com/solana-mcp/solana-mcp-server/internal/metrics"
)

// Options tune the upstream client; zero values take the documented defaults.
type Options struct {
	// MaxConnsPerHost caps concurrent connections to one upstream host. Default 64.
	MaxConnsPerHost int
	// MaxResultBytes caps a response body. Default 8 MiB.
	MaxResultBytes int64
	// Retries is how many extra rounds over the URLs a read may take. Zero means none.
	Retries int
	// Cooldown is how long a tripped URL is set aside. Default 10 s.
	Cooldown time.Duration
	// MaxRetryAfter caps how long a 429's Retry-After is waited for. Default 5 s.
	MaxRetryAfter time.Duration
	// RPS limits requests per second to each URL; zero means no limit.
	RPS float64
	// Transport replaces the HTTP transport (tests); nil builds a pooled one.
	Transport http.RoundTripper
	// Logger receives breaker state changes; nil discards them.
	Logger *slog.Logger
	// Metrics records upstream requests; nil records nothing.
	Metrics *metrics.Metrics
}

// failuresToTrip is how many failures in a row set a URL aside.
const failuresToTrip = 5

// Client holds every configured network. It is safe for concurrent use.
type Client struct {
	networks map[string]*Network
	names    []string
	http     *http.Client
}

// Network is one named network and its upstream URLs in failover order.
type Network struct {
	name      string
	endpoints []*endpoint
	opts      Options
}

type endpoint struct {
	label   string // scheme://host
	rpc     jsonrpc.RPCClient
	breaker *gobreaker.CircuitBreaker[json.RawMessage]
	limiter *rate.Limiter // nil: no limit
	// lastFailure is the latest failure that counted against the URL's health.
	lastFailure atomic.Pointer[Error]
}

// setAsideError describes a call refused because the URL's breaker is open, with the
// failure that last counted against the URL.
func (ep *endpoint) setAsideError(network string, cooldown time.Duration, cause error) *Error {
	e := &Error{Class: errclass.Upstream, Network: network, Upstream: ep.label,
		cooldown: cooldown, cause: cause, setAsideAfter: &Error{Class: errclass.Upstream,
			Network: network, Upstream: ep.label, Detail: "repeated failures"}}
	if last := ep.lastFailure.Load(); last != nil {
		e.Class, e.HTTPStatus, e.RetryAfter = last.Class, last.HTTPStatus, last.RetryAfter
		e.setAsideAfter = last
	}
	return e
}

// New builds a client for the networks, sharing one pooled HTTP client.
func New(networks []config.Network, opts Options) *Client {
	if opts.MaxConnsPerHost <= 0 {
		opts.MaxConnsPerHost = 64
	}
	if opts.MaxResultBytes <= 0 {
		opts.MaxResultBytes = 8 << 20
	}
	if opts.Cooldown <= 0 {
		opts.Cooldown = 10 * time.Second
	}
	if opts.MaxRetryAfter <= 0 {
		opts.MaxRetryAfter = 5 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}

	transport := opts.Transport
	if transport == nil {
		transport = newTransport(opts.MaxConnsPerHost)
	}
	// No Timeout on the client: every call carries its own deadline in its context.
	hc := &http.Client{Transport: transport}

	c := &Client{networks: map[string]*Network{}, http: hc}
	for _, n := range networks {
		nw := &Network{name: n.Name, opts: opts}
		seen := map[string]int{}
		for _, u := range n.URLs {
			// Two URLs on one host (say, two API keys of one provider) keep apart in
			// metrics and logs by their position: "https://host#2".
			label := config.RedactURL(u)
			seen[label]++
			if seen[label] > 1 {
				label = fmt.Sprintf("%s#%d", label, seen[label])
			}
			nw.endpoints = append(nw.endpoints, nw.newEndpoint(hc, u.String(), label,
				n.Headers))
		}
		c.networks[n.Name] = nw
		c.names = append(c.names, n.Name)
	}
	return c
}

func newTransport(maxConns int) *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4 * maxConns,
		MaxIdleConnsPerHost:   maxConns,
		MaxConnsPerHost:       maxConns,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

func (n *Network) newEndpoint(hc *http.Client, rawURL, label string,
	headers map[string]string) *endpoint {
	ep := &endpoint{
		label: label,
		rpc: jsonrpc.NewClientWithOpts(rawURL, &jsonrpc.RPCClientOpts{
			HTTPClient:    hc,
			CustomHeaders: headers,
		}),
	}
	if n.opts.RPS > 0 {
		burst := int(n.opts.RPS)
		if burst < 1 {
			burst = 1
		}
		ep.limiter = rate.NewLimiter(rate.Limit(n.opts.RPS), burst)
	}

	log := n.opts.Logger
	m := n.opts.Metrics
	netName := n.name
	ep.breaker = gobreaker.NewCircuitBreaker[json.RawMessage](gobreaker.Settings{
		Name:        netName + " " + label,
		MaxRequests: 1,
		Timeout:     n.opts.Cooldown,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures >= failuresToTrip
		},
		IsSuccessful: func(err error) bool {
			var ue *Error
			return err == nil || (errors.As(err, &ue) && !ue.unhealthy())
		},
		IsExcluded: func(err error) bool {
			// A caller that gave up says nothing about the URL's health.
			var ue *Error
			return errors.As(err, &ue) && (ue.cancelled || ue.shutdown)
		},
		OnStateChange: func(_ string, from, to gobreaker.State) {
			log.Warn("upstream breaker state changed", "network", netName,
				"upstream", label, "from", from.String(), "to", to.String())
			if m != nil {
				m.UpstreamUp(netName, label, to != gobreaker.StateOpen)
			}
		},
	})
	if m != nil {
		m.UpstreamUp(netName, label, true)
	}
	return ep
}

// Networks lists the network names, the default one first.
func (c *Client) Networks() []string { return append([]string(nil), c.names...) }

// Network returns the named network, or nil.
func (c *Client) Network(name string) *Network { return c.networks[name] }

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Name is the network's configured name.
func (n *Network) Name() string { return n.name }

// Kind says how a call may be sent.
type Kind int

const (
	// Read calls may be retried and sent to the next URL.
	Read Kind = iota
	// Write calls (sendTransaction, requestAirdrop) are never sent twice once a node
	// may have received them.
	Write
	// Probe calls ask about the node itself (getHealth): a node error is the answer, so
	// it is neither retried nor held against the URL.
	Probe
)

// Call sends one JSON-RPC request and returns the node's result as raw JSON, exactly as
// received ("null" for a null result). params are forwarded verbatim; nil omits them.
// Failures are *[Error].
func (n *Network) Call(ctx context.Context, method string, params []json.RawMessage,
	kind Kind) (json.RawMessage, error) {
	write := kind == Write
	var args []any
	if params != nil {
		args = make([]any, len(params))
		for i, p := range params {
			args[i] = p
		}
	}

	var bo *backoff.ExponentialBackOff // made on the first retry only

	rounds := 1
	if !write {
		rounds += n.opts.Retries
	}
	var last *Error
	for round := 0; round < rounds; round++ {
		res, err, final := n.round(ctx, method, args, kind)
		if err == nil {
			return res, nil
		}
		last = err
		if final || round == rounds-1 || err.Class == errclass.Auth {
			break // an API key refused now is refused on the next round too
		}

		if bo == nil {
			bo = backoff.NewExponentialBackOff()
			bo.InitialInterval = 100 * time.Millisecond
			bo.MaxInterval = 2 * time.Second
		}
		wait := bo.NextBackOff()
		if err.Class == errclass.RateLimited && err.RetryAfter > 0 {
			if err.RetryAfter > n.opts.MaxRetryAfter {
				break // waiting that long would only hold the caller; say when instead
			}
			wait = err.RetryAfter
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			break // the budget ends before the next round could start
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, transportError(ctx, ctx.Err())
		case <-t.C:
		}
	}
	return nil, last
}

// round tries each URL once, in order, skipping those set aside. final reports that the
// error must not be retried.
func (n *Network) round(ctx context.Context, method string, args []any,
	kind Kind) (json.RawMessage, *Error, bool) {
	write := kind == Write
	var last *Error
	for i, ep := range n.endpoints {
		if ep.breaker.State() == gobreaker.StateOpen {
			// Set aside: spend no rate-limit slot on it.
			if last == nil {
				last = ep.setAsideError(n.name, n.opts.Cooldown, gobreaker.ErrOpenState)
			}
			continue
		}
		if err := n.waitForSlot(ctx, ep); err != nil {
			// Throttled here, not by the node: no request was sent, nothing to trip.
			last = err
			continue
		}
		res, err := ep.breaker.Execute(func() (json.RawMessage, error) {
			actx, cancel := attemptContext(ctx, len(n.endpoints)-i, write)
			defer cancel()
			r, e := n.send(actx, ep, method, args)
			if e != nil && e.Class == errclass.RPC && kind == Probe {
				e.final = true // the node's answer about itself, not a fault to route around
			}
			if e != nil {
				return nil, e
			}
			return r, nil
		})
		if err == nil {
			return res, nil, false
		}

		var ue *Error
		if !errors.As(err, &ue) {
			// The breaker refused the URL: it is set aside for now.
			if last == nil {
				last = ep.setAsideError(n.name, n.opts.Cooldown, err)
			}
			continue
		}
		if ue.unhealthy() {
			saved := *ue // a copy: ue may still gain write advice below
			ep.lastFailure.Store(&saved)
		}
		last = ue
		if ctx.Err() != nil {
			return nil, ue, true
		}
		if !ue.Retryable() {
			return nil, ue, true
		}
		if write && mayHaveReachedNode(ue) {
			// The node may have taken it: sending it again could act twice.
			if ue.Class != errclass.RPC {
				ue.maybeApplied = true
				ue.Hint = "the node may have received the transaction: check its " +
					"signature with getSignatureStatuses before sending it again"
			}
			return nil, ue, true
		}
	}
	if last == nil {
		last = &Error{Class: errclass.Server, Network: n.name, Detail: "no upstream URL configured"}
		return nil, last, true
	}
	return nil, last, false
}

// waitForSlot waits for the URL's local rate limit, if one is set. It fails at once
// when no slot is free before the call's deadline.
func (n *Network) waitForSlot(ctx context.Context, ep *endpoint) *Error {
	if ep.limiter == nil {
		return nil
	}
	err := ep.limiter.Wait(ctx)
	if err == nil {
		return nil
	}
	e := transportError(ctx, err)
	if ctx.Err() == nil {
		e = &Error{Class: errclass.RateLimited, RetryAfter: time.Second, cause: err}
	}
	e.Network, e.Upstream = n.name, ep.label
	return e
}

// attemptContext gives one attempt of a read its share of the remaining budget, so that
// a URL that hangs cannot use up the time the URLs after it need: with k URLs left,
// an attempt may take 1/k of what remains, and the last one all of it. Writes get the
// whole budget, since a write that timed out is never sent elsewhere.
func attemptContext(ctx context.Context, left int, write bool) (context.Context,
	context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok || write || left <= 1 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, time.Until(dl)/time.Duration(left))
}

// send performs one HTTP request to one URL and decodes the answer.
func (n *Network) send(ctx context.Context, ep *endpoint, method string,
	args []any) (json.RawMessage, *Error) {
	start := time.Now()
	var result json.RawMessage
	var callErr *Error
	err := ep.rpc.CallWithCallback(ctx, method, args,
		func(_ *http.Request, resp *http.Response) error {
			result, callErr = n.decode(ctx, resp)
			return nil
		})
	if err != nil {
		callErr = transportError(ctx, err)
	}
	took := time.Since(start)

	outcome := "ok"
	if callErr != nil {
		callErr.Network, callErr.Upstream = n.name, ep.label
		outcome = string(callErr.Class)
		if callErr.cancelled || callErr.shutdown {
			// Our side gave up; it says nothing about the upstream.
			outcome = "cancelled"
		}
	}
	if m := n.opts.Metrics; m != nil {
		m.UpstreamRequest(n.name, ep.label, outcome, took)
	}
	if callErr != nil {
		return nil, callErr
	}
	return result, nil
}

// envelope is a JSON-RPC response. Unknown members are ignored: providers add some.
type envelope struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    json.Number     `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"error"`
}

// decode reads and classes one HTTP response.
func (n *Network) decode(ctx context.Context, resp *http.Response) (json.RawMessage, *Error) {
	retryAfter := parseRetryAfter(resp.Header.Get("Retry-After"))
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusUnauthorized, http.StatusForbidden:
		// Read a little of the body so the connection can be reused for the next try.
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
		if resp.StatusCode == http.StatusTooManyRequests {
			return nil, &Error{Class: errclass.RateLimited, HTTPStatus: resp.StatusCode,
				RetryAfter: retryAfter}
		}
		return nil, &Error{Class: errclass.Auth, HTTPStatus: resp.StatusCode}
	}

	limit := n.opts.MaxResultBytes
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, transportError(ctx, err)
	}
	if int64(len(body)) > limit {
		// Stop reading at once: counting the rest could take until the deadline.
		size := fmt.Sprintf("more than %d bytes", limit)
		if resp.ContentLength > 0 {
			size = fmt.Sprintf("%d bytes", resp.ContentLength)
		}
		return nil, &Error{Class: errclass.Upstream, cause: ErrResultTooLarge,
			Detail: fmt.Sprintf("result too large: %s, over the limit of %d bytes", size, limit)}
	}

	var env envelope
	decodeErr := json.Unmarshal(body, &env)
	if resp.StatusCode != http.StatusOK && (decodeErr != nil || env.Error == nil) {
		return nil, &Error{Class: errclass.Upstream, HTTPStatus: resp.StatusCode,
			Detail: fmt.Sprintf("answered HTTP %d", resp.StatusCode)}
	}
	if decodeErr != nil || (env.Error == nil && env.Result == nil) {
		return nil, &Error{Class: errclass.Upstream, HTTPStatus: resp.StatusCode,
			Detail: "answered with a body that is not a JSON-RPC response"}
	}
	if env.Error != nil {
		code, err := strconv.Atoi(env.Error.Code.String())
		if err != nil {
			return nil, &Error{Class: errclass.Upstream,
				Detail: "answered with a JSON-RPC error whose code is not an integer"}
		}
		e := &Error{Class: errclass.RPC, RPCCode: code, RPCMessage: env.Error.Message,
			RPCData: env.Error.Data, RetryAfter: retryAfter}
		if code == 429 || resp.StatusCode == http.StatusTooManyRequests {
			e.Class = errclass.RateLimited
		}
		return nil, e.withHint()
	}
	return env.Result, nil
}

// ErrResultTooLarge marks an [Error] for a result over the configured size limit.
var ErrResultTooLarge = errors.New("upstream result too large")

// withHint adds advice for node errors that a caller can fix.
func (e *Error) withHint() *Error {
	if e.RPCCode == -32015 {
		e.Hint = "hint: raise the maxSupportedTransactionVersion argument " +
			"to the version the node names"
	}
	return e
}

// parseRetryAfter reads delay-seconds or an HTTP date; zero when absent or unreadable.
func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
