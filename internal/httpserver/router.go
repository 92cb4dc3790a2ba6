// Package httpserver serves the MCP endpoint and the probes over HTTP (SPEC §3) and runs
// the drain-then-shutdown sequence of SPEC §6.
package httpserver

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/cors"
	"github.com/mark3labs/mcp-go/server"

	"github.com/solana-mcp/solana-mcp-server/internal/buildinfo"
	"github.com/solana-mcp/solana-mcp-server/internal/metrics"
)

// RouterOptions are the dependencies of [NewRouter].
type RouterOptions struct {
	// MCP is the MCP server behind /mcp and /api/mcp.
	MCP *server.MCPServer
	// Metrics serves /metrics.
	Metrics *metrics.Metrics
	// Ready reports readiness for /ready; it turns false when draining starts.
	Ready *atomic.Bool
	// Logger receives mcp-go's transport log.
	Logger *slog.Logger
	// MaxBodyBytes caps a request body (413 above it).
	MaxBodyBytes int64
	// AllowedOrigins are browser origins allowed besides localhost ones;
	// AllowAnyOrigin allows every origin.
	AllowedOrigins []string
	AllowAnyOrigin bool
	// AuthTokens, when not empty, are the bearer tokens /mcp accepts.
	AuthTokens []string
}

// mcpPaths serve the same MCP endpoint; /api/mcp is for clients set up for older servers.
var mcpPaths = []string{"/mcp", "/api/mcp"}

// NewRouter builds the HTTP handler of one replica.
func NewRouter(o RouterOptions) http.Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	streamable := server.NewStreamableHTTPServer(o.MCP,
		// Stateless: no session id is issued or needed, so any replica serves any call.
		server.WithStateLess(true),
		// No standalone GET stream: it would pin a client to one replica.
		server.WithDisableStreaming(true),
		// Origin is checked below against an allowlist, which also stops DNS rebinding;
		// mcp-go's own check would refuse a local proxy that keeps the public Host.
		server.WithDisableLocalhostProtection(true),
		server.WithStreamableHTTPLogger(o.Logger),
	)

	r := chi.NewRouter()

	// Probes and metrics stay outside the MCP middleware: cheap, and never behind auth.
	r.Group(func(r chi.Router) {
		r.Get("/health", health)
		r.Head("/health", health)
		r.Get("/ready", ready(o.Ready))
		r.Head("/ready", ready(o.Ready))
		r.Method(http.MethodGet, "/metrics", o.Metrics.Handler())
	})

	r.Group(func(r chi.Router) {
		// Order matters: CORS answers preflights before the Origin check sees them;
		// the Origin check and auth run before the body is read; the body is read (and
		// capped) once, before mcp-go sees it.
		r.Use(cors.Handler(cors.Options{
			AllowOriginFunc: func(_ *http.Request, origin string) bool {
				return originAllowed(origin, o.AllowedOrigins, o.AllowAnyOrigin)
			},
			AllowedMethods: []string{http.MethodPost, http.MethodOptions},
			AllowedHeaders: []string{"Content-Type", "Accept", "Authorization",
				"Mcp-Session-Id", "MCP-Protocol-Version", "Mcp-Method", "Mcp-Name",
				"Last-Event-ID"},
			ExposedHeaders: []string{"Mcp-Session-Id"},
			MaxAge:         600,
		}))
		r.Use(checkOrigin(o.AllowedOrigins, o.AllowAnyOrigin))
		r.Use(requireToken(o.AuthTokens))
		r.Use(readBody(o.MaxBodyBytes))
		for _, p := range mcpPaths {
			r.HandleFunc(p, func(w http.ResponseWriter, req *http.Request) {
				if req.Method != http.MethodPost {
					w.Header().Set("Allow", http.MethodPost)
					writeJSONRPCError(w, http.StatusMethodNotAllowed, -32000,
						"method not allowed: this server is stateless and takes POST only")
					return
				}
				streamable.ServeHTTP(w, req)
			})
		}
	})
	return r
}

func health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{
		"status":  "ok",
		"service": "solana-mcp-server",
		"version": buildinfo.Version,
	})
}

func ready(state *atomic.Bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if state != nil && !state.Load() {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}
}

// originAllowed accepts localhost origins, the configured ones, or any with allowAny.
func originAllowed(origin string, allowed []string, allowAny bool) bool {
	if allowAny {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	switch u.Hostname() {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return slices.Contains(allowed, strings.ToLower(u.Scheme+"://"+u.Host))
}

// checkOrigin refuses browser requests from origins not allowed (403), as the MCP
// transport requires; requests without Origin (non-browser clients) pass.
func checkOrigin(allowed []string, allowAny bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if o := r.Header.Get("Origin"); o != "" && !originAllowed(o, allowed, allowAny) {
				writeJSONRPCError(w, http.StatusForbidden, -32000,
					"origin "+strconv.Quote(o)+" is not allowed; add it to SOLANA_MCP_ALLOWED_ORIGINS")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// requireToken checks "Authorization: Bearer <token>" when tokens are configured.
func requireToken(tokens []string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if len(tokens) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
			ok = ok && strings.EqualFold(scheme, "Bearer")
			match := 0
			for _, t := range tokens {
				// Compare every token in constant time, so timing tells nothing.
				match |= subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(t))
			}
			if !ok || match != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="solana-mcp-server"`)
				writeJSONRPCError(w, http.StatusUnauthorized, -32001,
					"missing or invalid bearer token")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// readBody reads the POST body once, capped at max bytes (413 above), and answers
// notifications/cancelled itself.
//
// mcp-go v1.2.1 keys in-flight calls by session id and request id; in stateless mode
// every session id is empty, so one client's cancel would abort another client's call
// with the same id. Cancelled notifications are acknowledged and dropped instead;
// a client that gives up closes its connection, which cancels its call.
func readBody(max int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || r.Body == nil {
				next.ServeHTTP(w, r)
				return
			}
			if r.ContentLength > max {
				tooLarge(w, max)
				return
			}
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					tooLarge(w, max)
					return
				}
				writeJSONRPCError(w, http.StatusBadRequest, -32700, "cannot read request body")
				return
			}
			if isCancelNotification(body) {
				w.WriteHeader(http.StatusAccepted)
				return
			}
			if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '[' {
				// Batches left MCP in 2025-06-18; say so instead of "not valid json".
				writeJSONRPCError(w, http.StatusBadRequest, -32600,
					"JSON-RPC batches are not supported: send one request per POST")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			next.ServeHTTP(w, r)
		})
	}
}

func isCancelNotification(body []byte) bool {
	if !bytes.Contains(body, []byte("notifications/cancelled")) {
		return false
	}
	var msg struct {
		Method string `json:"method"`
	}
	return json.Unmarshal(body, &msg) == nil && msg.Method == "notifications/cancelled"
}

func tooLarge(w http.ResponseWriter, max int64) {
	writeJSONRPCError(w, http.StatusRequestEntityTooLarge, -32600,
		"request body larger than "+strconv.FormatInt(max, 10)+" bytes (SOLANA_MCP_MAX_BODY_BYTES)")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do then
}

// writeJSONRPCError writes an id-less JSON-RPC error, as the MCP transport allows for
// rejected requests.
func writeJSONRPCError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{
		"jsonrpc": "2.0",
		"id":      nil,
		"error":   map[string]any{"code": code, "message": msg},
	})
}

// listenerPort returns the port an address listens on, for logs.
func listenerPort(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok {
		return strconv.Itoa(tcp.Port)
	}
	return addr.String()
}
