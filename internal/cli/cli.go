// Package cli is the command line of solana-mcp-server: it parses settings, builds the
// parts, and runs the chosen subcommand. Main returns the process exit status.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/alecthomas/kong"
	"github.com/mark3labs/mcp-go/server"

	"github.com/solana-mcp/solana-mcp-server/internal/buildinfo"
	"github.com/solana-mcp/solana-mcp-server/internal/config"
	"github.com/solana-mcp/solana-mcp-server/internal/httpserver"
	"github.com/solana-mcp/solana-mcp-server/internal/mcpserver"
	"github.com/solana-mcp/solana-mcp-server/internal/metrics"
	"github.com/solana-mcp/solana-mcp-server/internal/upstream"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitConfig = 2
)

type commands struct {
	Serve       serveCmd       `cmd:"" default:"withargs" help:"Serve MCP over HTTP with /health, /ready and /metrics (default)."`
	Stdio       stdioCmd       `cmd:"" help:"Serve the same tools over MCP stdio, for desktop clients."`
	Healthcheck healthcheckCmd `cmd:"" help:"GET the local /health; exit 0 if healthy, 1 if not."`
	Version     versionCmd     `cmd:"" help:"Print version, commit and Go version."`
}

type serveCmd struct {
	config.Config
	config.HTTP
}

type stdioCmd struct{ config.Config }

type healthcheckCmd struct {
	Listen  string        `name:"listen" env:"SOLANA_MCP_LISTEN" default:":8080" help:"Listen address of the server to check (an unspecified host means 127.0.0.1)."`
	Port    string        `name:"port" env:"PORT" help:"Port of the server to check; overrides the port of --listen."`
	URL     string        `name:"url" help:"Full URL to check instead (default http://127.0.0.1:<port>/health)."`
	Timeout time.Duration `name:"timeout" default:"3s" help:"How long to wait for the answer."`
}

type versionCmd struct{}

// env carries the process's surroundings, so tests can run Main in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	signals        <-chan os.Signal
}

// Main runs the command line args (without the program name) and returns the exit status.
func Main(args []string) int {
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(signals)
	return run(args, env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, signals: signals})
}

func run(args []string, e env) int {
	var cmds commands
	parser, err := kong.New(&cmds,
		kong.Name("solana-mcp-server"),
		kong.Description("MCP server exposing the Solana JSON-RPC API as tools."),
		kong.Writers(e.stdout, e.stderr),
	)
	if err != nil {
		fmt.Fprintf(e.stderr, "solana-mcp-server: %v\n", err)
		return exitFailed
	}
	ctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(e.stderr, "solana-mcp-server: invalid configuration: %s\n", oneLine(err.Error()))
		return exitConfig
	}

	switch ctx.Command() {
	case "serve":
		return serve(&cmds.Serve, e)
	case "stdio":
		return stdio(&cmds.Stdio.Config, e)
	case "healthcheck":
		return cmds.Healthcheck.run(e)
	case "version":
		fmt.Fprintf(e.stdout, "solana-mcp-server %s (commit %s, built %s, %s)\n",
			buildinfo.Version, buildinfo.Commit, buildinfo.Date, buildinfo.GoVersion())
		return exitOK
	}
	fmt.Fprintf(e.stderr, "solana-mcp-server: unknown command %q\n", ctx.Command())
	return exitConfig
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// app is what serve and stdio share: settings, logger, metrics, upstream, MCP server.
type app struct {
	settings *config.Settings
	log      *slog.Logger
	metrics  *metrics.Metrics
	upstream *upstream.Client
	mcp      *server.MCPServer
	// stopCalls cuts in-flight calls short (at the end of a shutdown).
	stopCalls context.CancelCauseFunc
}

// build resolves the settings (with the HTTP ones, when h is not nil) and wires the
// parts. Logs go to stderr. A nil app means the status to exit with has been reported.
func build(c *config.Config, h *config.HTTP, e env) (*app, int) {
	s, err := c.Resolve(config.LookupEnv)
	if err == nil && h != nil {
		err = h.Resolve(s)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "solana-mcp-server: %s\n", oneLine(err.Error()))
		return nil, exitConfig
	}
	log := newLogger(e.stderr, s.LogLevel, s.LogFormat)
	m := metrics.New()
	up := upstream.New(s.Networks, upstream.Options{
		MaxConnsPerHost: s.UpstreamMaxConns,
		MaxResultBytes:  s.MaxResultBytes,
		Retries:         s.UpstreamRetries,
		Cooldown:        s.UpstreamCooldown,
		MaxRetryAfter:   s.UpstreamMaxRetryAfter,
		RPS:             s.UpstreamRPS,
		Logger:          log.With("component", "upstream"),
		Metrics:         m,
	})
	stop, stopCalls := context.WithCancelCause(context.Background())
	mopts := mcpserver.Options{
		Stop:         stop,
		Upstream:     up,
		Metrics:      m,
		Logger:       log.With("component", "tools"),
		Commitment:   s.Commitment,
		MaxTxVersion: s.MaxTxVersion,
		Timeout:      s.RPCTimeout,
		Toolsets:     s.Toolsets,
		EnableWrite:  s.EnableWrite,
	}
	a := &app{settings: s, log: log, metrics: m, upstream: up, stopCalls: stopCalls}
	a.mcp = mcpserver.New(mopts)

	nets := make([]string, len(s.Networks))
	for i, n := range s.Networks {
		urls := make([]string, len(n.URLs))
		for j, u := range n.URLs {
			urls[j] = config.RedactURL(u)
		}
		nets[i] = n.Name + "=" + strings.Join(urls, "|")
	}
	log.Info("starting solana-mcp-server",
		"version", buildinfo.Version, "commit", buildinfo.Commit, "go", buildinfo.GoVersion(),
		"networks", strings.Join(nets, ","), "commitment", s.Commitment,
		"rpc_timeout", s.RPCTimeout.String(), "write_tools", s.EnableWrite,
		"toolsets", strings.Join(s.Toolsets, ","), "tools", len(a.mcp.ListTools()),
		"max_tx_version", s.MaxTxVersion, "auth", len(s.AuthTokens) > 0)
	return a, exitOK
}

func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func serve(cmd *serveCmd, e env) int {
	a, status := build(&cmd.Config, &cmd.HTTP, e)
	if a == nil {
		return status
	}
	defer a.upstream.Close()
	s := a.settings

	ln, err := net.Listen("tcp", s.ListenAddr)
	if err != nil {
		a.log.Error("cannot listen", "addr", s.ListenAddr, "err", err)
		return exitFailed
	}

	ready := &atomic.Bool{}
	router := httpserver.NewRouter(httpserver.RouterOptions{
		MCP:            a.mcp,
		Metrics:        a.metrics,
		Ready:          ready,
		Logger:         a.log.With("component", "http"),
		MaxBodyBytes:   s.MaxBodyBytes,
		AllowedOrigins: s.AllowedOrigins,
		AllowAnyOrigin: s.AllowAnyOrigin,
		AuthTokens:     s.AuthTokens,
	})
	srv := httpserver.New(httpserver.Config{
		Handler:         router,
		Ready:           ready,
		Logger:          a.log.With("component", "http"),
		Timeouts:        httpserver.DefaultTimeouts(s.RPCTimeout),
		DrainDelay:      s.DrainDelay,
		ShutdownTimeout: s.ShutdownTimeout,
		StopCalls:       a.stopCalls,
	})
	if err := srv.Run(ln, e.signals); err != nil {
		a.log.Error("server stopped", "err", err)
		return exitFailed
	}
	return exitOK
}

func stdio(c *config.Config, e env) int {
	// stdout carries the protocol: logs go to stderr only.
	a, status := build(c, nil, e)
	if a == nil {
		return status
	}
	defer a.upstream.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-e.signals:
			cancel()
		case <-ctx.Done():
		}
	}()

	srv := server.NewStdioServer(a.mcp)
	srv.SetErrorLogger(slog.NewLogLogger(a.log.Handler(), slog.LevelError))
	pending := newPendingCalls()
	in := &trackingReader{r: e.stdin, p: pending, limit: a.settings.RPCTimeout + 2*time.Second}
	out := &trackingWriter{w: e.stdout, p: pending}
	err := srv.Listen(ctx, in, out)
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF) {
		a.log.Error("stdio server stopped", "err", err)
		return exitFailed
	}
	return exitOK
}

func (h *healthcheckCmd) run(e env) int {
	target := h.URL
	if target == "" {
		addr, err := config.ListenAddr(h.Listen, h.Port)
		if err != nil {
			// Exit statuses of healthcheck are 0 and 1 only (SPEC §2).
			fmt.Fprintf(e.stderr, "unhealthy: %s\n", oneLine(err.Error()))
			return exitFailed
		}
		host, port, _ := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			host = "127.0.0.1" // the server listens everywhere; loopback reaches it
		}
		target = "http://" + net.JoinHostPort(host, port) + "/health"
	}

	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		fmt.Fprintf(e.stderr, "unhealthy: %v\n", err)
		return exitFailed
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(e.stderr, "unhealthy: %v\n", err)
		return exitFailed
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(e.stderr, "unhealthy: %s answered %s\n", target, resp.Status)
		return exitFailed
	}
	fmt.Fprintf(e.stdout, "healthy: %s\n", target)
	return exitOK
}
