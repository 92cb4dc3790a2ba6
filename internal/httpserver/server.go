package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/solana-mcp/solana-mcp-server/internal/errclass"
)

// ErrForced is returned by [Server.Run] when a second signal cut the shutdown short, or
// in-flight calls outlasted the shutdown timeout.
var ErrForced = errors.New("shutdown forced")

// Timeouts of the HTTP server. Write must outlast one tool call's upstream deadline.
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

// DefaultTimeouts returns server timeouts fitting an upstream deadline of rpcTimeout.
func DefaultTimeouts(rpcTimeout time.Duration) Timeouts {
	write := rpcTimeout + 60*time.Second
	if write < 90*time.Second {
		write = 90 * time.Second
	}
	return Timeouts{
		ReadHeader: 10 * time.Second,
		Read:       30 * time.Second,
		Write:      write,
		Idle:       120 * time.Second,
	}
}

// shutdownMargin is how long before the shutdown deadline in-flight calls are cancelled:
// long enough to write their answers.
func shutdownMargin(timeout time.Duration) time.Duration {
	return min(2*time.Second, timeout/4)
}

// Server is one replica's HTTP server with its readiness state.
type Server struct {
	http            *http.Server
	ready           *atomic.Bool
	log             *slog.Logger
	drainDelay      time.Duration
	shutdownTimeout time.Duration
	// stopCalls cuts in-flight tool calls short, with errclass.ErrShuttingDown as cause.
	stopCalls context.CancelCauseFunc
}

// Config configures [New].
type Config struct {
	Handler         http.Handler
	Ready           *atomic.Bool
	Logger          *slog.Logger
	Timeouts        Timeouts
	DrainDelay      time.Duration
	ShutdownTimeout time.Duration
	// StopCalls, when set, is called shortly before the shutdown deadline to cut calls
	// still in flight short (see mcpserver.Options.Stop); they then answer with a tool
	// error instead of losing their connection.
	StopCalls context.CancelCauseFunc
}

// New builds a server; Ready is set true by Run once it listens.
func New(c Config) *Server {
	ready := c.Ready
	next := c.Handler
	// While draining, each response closes its connection, so a proxy's pool of
	// keep-alive connections to this replica empties one answered request at a time.
	// (http.Server.SetKeepAlivesEnabled(false) would instead close idle connections at
	// once, racing a proxy that is just sending a request on one: a dropped call.)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !ready.Load() { // draining (no request arrives before Run sets it)
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
	stopCalls := c.StopCalls
	if stopCalls == nil {
		stopCalls = func(error) {}
	}
	return &Server{
		stopCalls: stopCalls,
		http: &http.Server{
			Handler:           handler,
			ReadHeaderTimeout: c.Timeouts.ReadHeader,
			ReadTimeout:       c.Timeouts.Read,
			WriteTimeout:      c.Timeouts.Write,
			IdleTimeout:       c.Timeouts.Idle,
			ErrorLog:          slog.NewLogLogger(c.Logger.Handler(), slog.LevelWarn),
		},
		ready:           c.Ready,
		log:             c.Logger,
		drainDelay:      c.DrainDelay,
		shutdownTimeout: c.ShutdownTimeout,
	}
}

// Run serves on ln until the first signal arrives, then drains (SPEC §6):
//
//  1. /ready answers 503 at once, and responses carry "Connection: close" so proxies
//     stop reusing connections to this replica, while it keeps serving;
//  2. after the drain delay, the listener closes and in-flight calls get up to the
//     shutdown timeout to finish.
//
// A second signal at any point returns [ErrForced] at once. Run returns nil after a
// clean shutdown.
func (s *Server) Run(ln net.Listener, signals <-chan os.Signal) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- s.http.Serve(ln) }()
	s.ready.Store(true)
	s.log.Info("listening", "addr", ln.Addr().String(), "port", listenerPort(ln.Addr()))

	var sig os.Signal
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case sig = <-signals:
	}

	s.ready.Store(false)
	s.log.Info("draining: readiness is now 503, still serving",
		"signal", sig.String(), "drain_delay", s.drainDelay.String())

	timer := time.NewTimer(s.drainDelay)
	defer timer.Stop()
	select {
	case sig = <-signals:
		s.log.Warn("second signal: exiting at once", "signal", sig.String())
		_ = s.http.Close()
		return ErrForced
	case <-timer.C:
	}

	s.log.Info("closing listener; waiting for in-flight requests",
		"shutdown_timeout", s.shutdownTimeout.String())
	ctx, cancel := context.WithTimeout(context.Background(), s.shutdownTimeout)
	defer cancel()
	// Calls still running shortly before the deadline are cut short, so that each still
	// gets an answer (a tool error saying to retry) instead of a dropped connection.
	cutoff := time.AfterFunc(s.shutdownTimeout-shutdownMargin(s.shutdownTimeout), func() {
		s.log.Warn("shutdown deadline near: cancelling calls still in flight")
		s.stopCalls(errclass.ErrShuttingDown)
	})
	defer cutoff.Stop()
	done := make(chan error, 1)
	go func() { done <- s.http.Shutdown(ctx) }()

	select {
	case sig = <-signals:
		s.log.Warn("second signal: exiting at once", "signal", sig.String())
		_ = s.http.Close()
		return ErrForced
	case err := <-done:
		if err != nil {
			s.log.Error("in-flight requests outlasted the shutdown timeout", "err", err)
			_ = s.http.Close()
			return ErrForced
		}
	}
	s.log.Info("shutdown complete")
	return nil
}
