// Package mcpserver builds the MCP server: one tool per catalog method, each checking
// its arguments, forwarding the call to the chosen network's upstream, and returning
// the node's result unchanged. Every call is counted in the metrics exactly once.
package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/solana-mcp/solana-mcp-server/internal/buildinfo"
	"github.com/solana-mcp/solana-mcp-server/internal/errclass"
	"github.com/solana-mcp/solana-mcp-server/internal/metrics"
	"github.com/solana-mcp/solana-mcp-server/internal/tools"
	"github.com/solana-mcp/solana-mcp-server/internal/upstream"
)

// Name is the server name announced to MCP clients.
const Name = "solana-mcp-server"

const instructions = "Tools named after Solana JSON-RPC methods. Each returns the node's " +
	"JSON result unchanged (as text, and as structuredContent.result). Integers are " +
	"exact: parse them as 64-bit or arbitrary precision. Lamports: 1 SOL = 1e9 lamports."

// Options configure [New].
type Options struct {
	// Upstream sends the calls.
	Upstream *upstream.Client
	// Metrics counts the calls.
	Metrics *metrics.Metrics
	// Logger logs failed upstream calls at warn; rejected arguments, calls whose client
	// left, and successes at debug.
	Logger *slog.Logger
	// Commitment and MaxTxVersion are the parameter defaults (see tools.Options).
	Commitment   string
	MaxTxVersion string
	// Timeout is the deadline of one call's upstream work.
	Timeout time.Duration
	// Toolsets are the tool groups offered; EnableWrite adds the write tools.
	Toolsets    []string
	EnableWrite bool
	// Stop, when cancelled, cuts every call's upstream work short with the context's
	// cause (errclass.ErrShuttingDown at shutdown). The HTTP request itself stays alive,
	// so the call still answers with a tool error.
	Stop context.Context
}

// New builds the MCP server with the selected tools registered.
func New(opts Options) *server.MCPServer {
	s := server.NewMCPServer(Name, buildinfo.Version,
		server.WithToolCapabilities(false),
		server.WithInstructions(instructions),
		server.WithRecovery(),
	)
	s.AddTools(Tools(opts)...)
	return s
}

// Tools returns the selected catalog methods as MCP tools with their handlers.
func Tools(opts Options) []server.ServerTool {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	networks := opts.Upstream.Networks()
	var out []server.ServerTool
	for _, m := range tools.Catalog() {
		if !slices.Contains(opts.Toolsets, m.Group) || (m.Write && !opts.EnableWrite) {
			continue
		}
		for _, n := range networks {
			opts.Metrics.Prime(m.Name, n)
		}
		h := &handler{method: m, opts: opts, toolOpts: tools.Options{
			Commitment:   opts.Commitment,
			MaxTxVersion: opts.MaxTxVersion,
			Networks:     networks,
		}}
		out = append(out, server.ServerTool{Tool: toolOf(m, networks), Handler: h.handle})
	}
	return out
}

func toolOf(m *tools.Method, networks []string) mcp.Tool {
	t := mcp.NewToolWithRawSchema(m.Name, m.Doc, m.InputSchema(networks))
	readOnly := !m.Write
	t.Annotations = mcp.ToolAnnotation{
		Title:        m.Name,
		ReadOnlyHint: &readOnly,
		// sendTransaction moves funds irreversibly; requestAirdrop only adds lamports.
		DestructiveHint: ptr(m.Name == "sendTransaction"),
		IdempotentHint:  &readOnly,
		OpenWorldHint:   ptr(true),
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// ms renders a duration as milliseconds for logs.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type handler struct {
	method   *tools.Method
	opts     Options
	toolOpts tools.Options
}

// handle serves one tools/call. Failures the caller can act on are tool results with
// isError set; only programming faults would be Go errors.
func (h *handler) handle(ctx context.Context,
	req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
	start := time.Now()
	name := h.method.Name
	defer func() {
		// A fault here must not take the replica down, and must still be counted.
		if p := recover(); p != nil {
			h.opts.Metrics.ToolCall(name, h.toolOpts.Networks[0], errclass.Server,
				time.Since(start))
			h.opts.Logger.Error("tool handler panicked", "method", name, "panic", fmt.Sprint(p))
			res, err = mcp.NewToolResultError("internal server error in "+name), nil
		}
	}()

	raw := rawArguments(req)
	call, err := h.method.Prepare(raw, h.toolOpts)
	if err != nil {
		network := tools.NetworkOf(raw, h.toolOpts.Networks)
		h.opts.Metrics.ToolCall(name, network, errclass.Validation, time.Since(start))
		h.opts.Logger.Debug("tool call rejected", "method", name, "error_type", "validation",
			"err", err)
		return mcp.NewToolResultError(err.Error()), nil
	}

	nw := h.opts.Upstream.Network(call.Network)
	if h.opts.Stop != nil {
		var cancel context.CancelCauseFunc
		ctx, cancel = context.WithCancelCause(ctx)
		defer cancel(nil)
		stop := context.AfterFunc(h.opts.Stop, func() { cancel(context.Cause(h.opts.Stop)) })
		defer stop()
	}
	if h.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.opts.Timeout)
		defer cancel()
	}
	result, err := nw.Call(ctx, name, call.Params, h.kind())
	took := time.Since(start)
	if err != nil {
		class := errclass.Server
		var ue *upstream.Error
		if errors.As(err, &ue) {
			class = ue.Class
		}
		level := slog.LevelWarn
		if ue != nil && ue.ClientCancelled() {
			// The client left; nothing went wrong here.
			h.opts.Metrics.ToolCallAbandoned(name, call.Network, took)
			level = slog.LevelDebug
		} else {
			h.opts.Metrics.ToolCall(name, call.Network, class, took)
		}
		h.opts.Logger.Log(ctx, level, "tool call failed", "method", name,
			"network", call.Network, "error_type", string(class), "duration_ms", ms(took),
			"err", err)
		return mcp.NewToolResultError(h.errorText(err)), nil
	}

	h.opts.Metrics.ToolCall(name, call.Network, "", took)
	h.opts.Logger.Debug("tool call", "method", name, "network", call.Network,
		"duration_ms", ms(took), "bytes", len(result))
	return resultOf(result), nil
}

// kind tells the upstream how the method may be sent.
func (h *handler) kind() upstream.Kind {
	switch {
	case h.method.Write:
		return upstream.Write
	case h.method.Probe:
		return upstream.Probe
	}
	return upstream.Read
}

// errorText adds, for a result over the size limit, the arguments that narrow it.
func (h *handler) errorText(err error) string {
	msg := err.Error()
	if errors.Is(err, upstream.ErrResultTooLarge) {
		if len(h.method.Narrow) > 0 {
			msg += "; narrow the request with " + strings.Join(h.method.Narrow, ", ")
		} else {
			msg += "; the server's SOLANA_MCP_MAX_RESULT_BYTES limit is too low for it"
		}
	}
	return msg
}

// rawArguments returns the call's arguments as the client sent them, so that numbers
// keep every digit.
func rawArguments(req mcp.CallToolRequest) json.RawMessage {
	if len(req.Params.RawArguments) > 0 {
		return req.Params.RawArguments
	}
	// In-process callers may set Arguments directly; those are Go values already.
	b, err := json.Marshal(req.Params.Arguments)
	if err != nil {
		return nil
	}
	return b
}

// resultOf wraps the node's result: exactly as received in the text content, and under
// "result" in the structured content (which MCP requires to be an object).
func resultOf(result json.RawMessage) *mcp.CallToolResult {
	structured := make([]byte, 0, len(result)+11)
	structured = append(structured, `{"result":`...)
	structured = append(structured, result...)
	structured = append(structured, '}')
	return &mcp.CallToolResult{
		Content:              []mcp.Content{mcp.NewTextContent(string(result))},
		RawStructuredContent: structured,
	}
}
