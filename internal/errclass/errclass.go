// Package errclass names the fixed set of failure classes that tool calls are counted
// under in the error_type metric label (SPEC §4). Keeping the set closed keeps the
// label bounded.
package errclass

import "errors"

// ErrShuttingDown is the cancellation cause of calls that a draining replica cut short
// just before its shutdown deadline; such calls are counted as [Server].
var ErrShuttingDown = errors.New("this replica is shutting down")

// Class is one failure class of a tool call.
type Class string

// The classes of SPEC §4.
const (
	// Validation: the caller's arguments were rejected before any upstream call.
	Validation Class = "validation"
	// RPC: the node answered with a JSON-RPC error object.
	RPC Class = "rpc"
	// RateLimited: the upstream answered HTTP 429 (or a JSON-RPC 429).
	RateLimited Class = "rate_limited"
	// Timeout: the call's deadline passed before the upstream answered.
	Timeout Class = "timeout"
	// Network: the upstream could not be reached, or the connection broke.
	Network Class = "network"
	// Upstream: a bad HTTP status, an unreadable or oversized body.
	Upstream Class = "upstream"
	// Auth: the upstream refused our credentials (HTTP 401 or 403).
	Auth Class = "auth"
	// Server: a fault inside this server.
	Server Class = "server"
)

// All lists every class, in a stable order.
func All() []Class {
	return []Class{Validation, RPC, RateLimited, Timeout, Network, Upstream, Auth, Server}
}
