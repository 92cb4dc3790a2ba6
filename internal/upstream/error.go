package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"time"

	"github.com/solana-mcp/solana-mcp-server/internal/errclass"
)

// Error is a failed upstream call. Its text is meant for the caller of the tool: it says
// what happened, on which network and upstream (scheme and host only, never a path or
// query that may hold an API key), and whether retrying later may help.
type Error struct {
	// Class is the error_type the call is counted under.
	Class errclass.Class
	// Network is the network's name; Upstream is scheme://host of the URL, if one was hit.
	Network  string
	Upstream string
	// HTTPStatus is the upstream's HTTP status, when it answered one that was not 200.
	HTTPStatus int
	// RPCCode, RPCMessage and RPCData are the node's JSON-RPC error, when Class is RPC
	// (or RateLimited with a JSON body). RPCData is the raw JSON of error.data.
	RPCCode    int
	RPCMessage string
	RPCData    json.RawMessage
	// RetryAfter is the upstream's Retry-After, when it sent one.
	RetryAfter time.Duration
	// Detail says what went wrong below HTTP (timeout, connection refused, ...).
	Detail string
	// Hint, when set, is appended as advice (e.g. which argument to change).
	Hint string
	// final marks an answer that no other node or later try would change.
	final bool
	// maybeApplied marks a write that a node may have received: advice to retry would
	// risk acting twice, so the message gives none.
	maybeApplied bool
	// shutdown marks a call cut short by this replica's shutdown.
	shutdown bool
	// cancelled marks a call its client gave up on.
	cancelled bool
	// setAsideAfter, when set, marks a call refused at once because the URL's breaker
	// is open; it is (a copy of) the failure that last counted against the URL.
	setAsideAfter *Error
	// cooldown is how long a set-aside URL stays aside at most.
	cooldown time.Duration

	cause error
}

// Unwrap returns the underlying transport or decoding error, if any.
func (e *Error) Unwrap() error { return e.cause }

func (e *Error) Error() string {
	msg := e.describe()
	if e.Hint != "" {
		msg += "\n" + e.Hint
	}
	return msg
}

// describe says what happened and, where it applies, whether retrying may help.
func (e *Error) describe() string {
	where := e.Network
	if e.Upstream != "" {
		where = fmt.Sprintf("%s (%s)", e.Network, e.Upstream)
	}
	// A write that a node may have taken gets no advice to retry: it could act twice.
	advice := ""
	if e.Retryable() && !e.maybeApplied {
		advice = "; retrying later may help"
	}

	switch {
	case e.setAsideAfter != nil:
		return fmt.Sprintf("upstream on %s set aside for up to %s after repeated failures; "+
			"retrying later may help\nlast failure: %s", where, e.cooldown,
			e.setAsideAfter.describe())
	case e.shutdown:
		return e.Detail
	}

	switch e.Class {
	case errclass.RPC:
		msg := fmt.Sprintf("RPC error %d: %s", e.RPCCode, e.RPCMessage)
		if len(e.RPCData) > 0 && string(e.RPCData) != "null" {
			msg += fmt.Sprintf("\ndata: %s", e.RPCData)
		}
		return msg
	case errclass.RateLimited:
		var msg string
		switch {
		case e.HTTPStatus != 0:
			msg = fmt.Sprintf("upstream rate limited (HTTP %d) on %s", e.HTTPStatus, where)
		case e.RPCCode != 0:
			msg = fmt.Sprintf("upstream rate limited (RPC error %d: %s) on %s", e.RPCCode,
				e.RPCMessage, where)
		default:
			msg = fmt.Sprintf("too many calls for %s: this server's SOLANA_MCP_UPSTREAM_RPS "+
				"limit has no slot left within the call's deadline", where)
		}
		if e.RetryAfter > 0 {
			return msg + fmt.Sprintf("; retry after %s", e.RetryAfter.Round(time.Second))
		}
		return msg + "; retry later"
	case errclass.Timeout:
		return fmt.Sprintf("upstream call on %s timed out (%s)%s", where, e.Detail, advice)
	case errclass.Network:
		return fmt.Sprintf("cannot reach upstream on %s: %s%s", where, e.Detail, advice)
	case errclass.Auth:
		return fmt.Sprintf("upstream on %s refused the request (HTTP %d); "+
			"check the provider API key in the server's configuration", where, e.HTTPStatus)
	}
	return fmt.Sprintf("upstream on %s: %s%s", where, e.Detail, advice)
}

// ClientCancelled reports whether the call ended because its client went away.
func (e *Error) ClientCancelled() bool { return e.cancelled }

// Retryable reports whether the same call may succeed on another URL or a bit later.
func (e *Error) Retryable() bool {
	if e.final {
		return false
	}
	switch e.Class {
	case errclass.RateLimited, errclass.Network, errclass.Timeout:
		return true
	case errclass.Auth:
		// Another URL may hold a valid key; Call gives it no further rounds.
		return true
	case errclass.Upstream:
		// Another node may answer a garbled body or a 5xx; a 4xx or an oversized
		// result would come back the same.
		if errors.Is(e.cause, ErrResultTooLarge) {
			return false
		}
		return e.HTTPStatus < 400 || e.HTTPStatus >= 500
	case errclass.RPC:
		return retryableRPCCode(e.RPCCode)
	}
	return false
}

// unhealthy reports whether the error says something about the URL's health, and so
// counts towards setting it aside. Node errors that a caller's arguments can cause
// (-32016 for a minContextSlot in the future, -32004 for a recent block, ...) do not:
// otherwise one client could cut every client of the replica off the upstream.
func (e *Error) unhealthy() bool {
	switch e.Class {
	case errclass.RPC:
		return e.RPCCode == -32005 && !e.final // node behind or unhealthy
	case errclass.Upstream:
		return e.Retryable()
	case errclass.RateLimited, errclass.Network, errclass.Timeout, errclass.Auth:
		return true
	}
	return false
}

// retryableRPCCode classes node errors: those that another node, or the same node a
// little later, may answer differently. The codes are Agave's custom errors.
func retryableRPCCode(code int) bool {
	switch code {
	case -32004, // block not available for slot (yet)
		-32005, // node is behind / unhealthy
		-32008, // no snapshot
		-32014, // block status not yet available
		-32016, // minimum context slot not reached
		-32019, // long-term storage unreachable
		-32603: // internal error
		return true
	}
	return false
}

// transportError classes an error from sending the request or reading the response.
// ctx is the call's context: its deadline turns a broken read into a timeout.
func transportError(ctx context.Context, err error) *Error {
	e := &Error{Class: errclass.Network, cause: innermost(err)}
	var netErr net.Error
	var dnsErr *net.DNSError
	switch {
	case errors.Is(context.Cause(ctx), errclass.ErrShuttingDown):
		e.Class = errclass.Server
		e.Detail = "this replica is shutting down and could not finish the call in time; " +
			"retry it, another replica will answer"
		e.shutdown = true
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded:
		e.Class = errclass.Timeout
		e.Detail = "deadline exceeded"
	case errors.Is(err, context.Canceled):
		// The client went away (its connection closed): nobody reads this answer.
		e.Class = errclass.Network
		e.Detail = "call cancelled by the client"
		e.cancelled = true
	case errors.As(err, &dnsErr):
		e.Detail = "cannot resolve the upstream host"
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Detail = "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		e.Detail = "connection reset by peer"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		e.Detail = "connection closed before the answer was complete"
	case errors.As(err, &netErr) && netErr.Timeout():
		e.Class = errclass.Timeout
		e.Detail = "network timeout"
	default:
		// Go's transport error texts may quote the request URL; say only what kind of
		// failure it was.
		e.Detail = "network error"
	}
	return e
}

// innermost strips the wrappers that quote the request URL (solana-go's "rpc call m()
// on URL" and net/http's *url.Error), which may hold an API key, so that neither
// Error nor Unwrap can reveal it.
func innermost(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// mayHaveReachedNode reports whether a failed request may have been received by the
// node. Only a refused connection, a failed DNS lookup, or an HTTP 429/401/403 refusal
// prove it was not; that decides if a write (sendTransaction) may go to the next URL.
func mayHaveReachedNode(err *Error) bool {
	switch err.Class {
	case errclass.RateLimited, errclass.Auth:
		// Refused at the door (429, 401, 403): the node did not take it.
		return err.HTTPStatus == 0
	case errclass.Network:
	default:
		return true
	}
	var dnsErr *net.DNSError
	return !errors.Is(err.cause, syscall.ECONNREFUSED) && !errors.As(err.cause, &dnsErr)
}
