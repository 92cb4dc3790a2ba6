// Package config defines every setting of the server, read from environment variables
// with a command-line flag of the same meaning that overrides each one (SPEC §2).
//
// The struct tags drive github.com/alecthomas/kong, which parses flags and environment
// variables; [Config.Resolve] then checks the values and derives the typed settings that
// the rest of the program uses. Every error names the environment variable and the bad
// value, so start-up can fail with one clear line.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config holds the raw settings as parsed from flags and the environment.
// Field docs give meaning, unit and default; the help text repeats them for --help.
type Config struct {
	// RPCURL is the upstream of the default network; a comma-separated list gives
	// failover order.
	RPCURL string `name:"rpc-url" env:"SOLANA_RPC_URL" default:"https://api.mainnet-beta.solana.com" help:"Upstream Solana RPC URL of the default network; a comma-separated list means failover order."`
	// Commitment is used where a caller gives none.
	Commitment string `name:"commitment" env:"SOLANA_COMMITMENT" default:"confirmed" help:"Default commitment: processed, confirmed or finalized."`
	// Network names the default network in tool arguments and metric labels.
	Network string `name:"network" env:"SOLANA_NETWORK" default:"mainnet" help:"Name of the default network, used in the network metric label and the network argument."`
	// Networks lists more named networks: name=url[|url...],name=url.
	Networks string `name:"networks" env:"SOLANA_MCP_NETWORKS" help:"More named networks: devnet=https://api.devnet.solana.com,testnet=https://a|https://b ('|' separates failover URLs)."`
	// RPCHeaders adds request headers per network, for providers that take an API key in
	// a header: "mainnet:x-api-key=KEY;devnet:Authorization=Bearer T".
	RPCHeaders string `name:"rpc-headers" env:"SOLANA_MCP_RPC_HEADERS" help:"Extra upstream request headers per network: 'mainnet:x-api-key=KEY;devnet:Authorization=Bearer T'." placeholder:"NET:NAME=VALUE;..."`

	// LogLevel is debug, info, warn or error; RUST_LOG is read when it is unset.
	LogLevel string `name:"log-level" env:"SOLANA_MCP_LOG_LEVEL" help:"Log level: debug, info, warn, error (default info; RUST_LOG is read as a fallback)."`
	// LogFormat is json or text.
	LogFormat string `name:"log-format" env:"SOLANA_MCP_LOG_FORMAT" default:"json" help:"Log format: json or text."`

	// RPCTimeout is the deadline of one tool call's upstream work, retries included.
	RPCTimeout time.Duration `name:"rpc-timeout" env:"SOLANA_MCP_RPC_TIMEOUT" default:"30s" help:"Deadline of one upstream call, retries included."`
	// EnableWriteTools exposes sendTransaction and requestAirdrop.
	EnableWriteTools bool `name:"enable-write-tools" env:"SOLANA_MCP_ENABLE_WRITE_TOOLS" help:"Expose sendTransaction and requestAirdrop."`
	// MaxTxVersion is the maxSupportedTransactionVersion sent when a caller gives none.
	MaxTxVersion string `name:"max-tx-version" env:"SOLANA_MCP_MAX_TX_VERSION" default:"1" help:"maxSupportedTransactionVersion sent by getBlock and getTransaction when the caller gives none."`
	// Toolsets limits the tools offered to these groups; empty or "all" offers every group.
	Toolsets string `name:"toolsets" env:"SOLANA_MCP_TOOLSETS" default:"all" help:"Comma-separated tool groups to expose: accounts, blocks, transactions, tokens, network, or all."`

	// MaxResultBytes caps an upstream response; larger results become a tool error that
	// says how to narrow the request.
	MaxResultBytes int64 `name:"max-result-bytes" env:"SOLANA_MCP_MAX_RESULT_BYTES" default:"8388608" help:"Largest upstream result returned, in bytes; a larger one is a tool error naming the arguments that narrow it."`

	// UpstreamMaxConns caps concurrent connections to one upstream host.
	UpstreamMaxConns int `name:"upstream-max-conns" env:"SOLANA_MCP_UPSTREAM_MAX_CONNS" default:"64" help:"Most concurrent connections to one upstream host (public Solana endpoints allow 40 per IP)."`
	// UpstreamRetries is how many more rounds over the upstream URLs a read may take.
	UpstreamRetries int `name:"upstream-retries" env:"SOLANA_MCP_UPSTREAM_RETRIES" default:"2" help:"Extra rounds over the upstream URLs a read call may take after retryable failures (writes are never retried)."`
	// UpstreamCooldown is how long a failing upstream URL is set aside.
	UpstreamCooldown time.Duration `name:"upstream-cooldown" env:"SOLANA_MCP_UPSTREAM_COOLDOWN" default:"10s" help:"How long an upstream URL is set aside after repeated failures (circuit breaker open time)."`
	// UpstreamMaxRetryAfter caps how long a 429's Retry-After is honoured.
	UpstreamMaxRetryAfter time.Duration `name:"upstream-max-retry-after" env:"SOLANA_MCP_UPSTREAM_MAX_RETRY_AFTER" default:"5s" help:"Longest Retry-After of a 429 that a retry waits for; longer ones fail at once with the advice."`
	// UpstreamRPS limits requests per second to each upstream URL; 0 means no limit.
	UpstreamRPS float64 `name:"upstream-rps" env:"SOLANA_MCP_UPSTREAM_RPS" default:"0" help:"Requests per second allowed to each upstream URL (0: no limit). Calls wait for a slot within their deadline."`
}

// HTTP holds the settings of the HTTP server, which the stdio mode does not have.
type HTTP struct {
	// Listen is the HTTP listen address; PORT, when set, replaces its port.
	Listen string `name:"listen" env:"SOLANA_MCP_LISTEN" default:":8080" help:"HTTP listen address (PORT, if set, gives the port)."`
	// Port overrides the port of Listen (platforms such as Cloud Run and Heroku set it).
	Port string `name:"port" env:"PORT" help:"Listen port; overrides the port of --listen."`

	// DrainDelay is how long /ready answers 503 after SIGTERM while still serving.
	DrainDelay time.Duration `name:"drain-delay" env:"SOLANA_MCP_DRAIN_DELAY" default:"5s" help:"After SIGTERM, how long /ready reports 503 while still serving."`
	// ShutdownTimeout bounds how long in-flight calls may take once the drain delay ends.
	ShutdownTimeout time.Duration `name:"shutdown-timeout" env:"SOLANA_MCP_SHUTDOWN_TIMEOUT" default:"20s" help:"After the drain delay, how long in-flight calls may take to finish."`

	// MaxBodyBytes caps an incoming HTTP request body.
	MaxBodyBytes int64 `name:"max-body-bytes" env:"SOLANA_MCP_MAX_BODY_BYTES" default:"1048576" help:"Largest MCP request body accepted, in bytes (larger ones get 413)."`
	// AllowedOrigins lists browser origins allowed besides localhost ones.
	AllowedOrigins string `name:"allowed-origins" env:"SOLANA_MCP_ALLOWED_ORIGINS" help:"Comma-separated browser Origins allowed to call /mcp besides http(s)://localhost, 127.0.0.1 and [::1]; '*' allows any."`
	// AuthTokens, when set, makes /mcp require "Authorization: Bearer <token>".
	AuthTokens string `name:"auth-tokens" env:"SOLANA_MCP_AUTH_TOKENS" help:"Comma-separated bearer tokens; when set, /mcp requires 'Authorization: Bearer <token>'."`
}

// Settings is the checked, typed form of [Config] and [HTTP].
type Settings struct {
	// Networks holds the default network first, then the named ones in the order given.
	Networks        []Network
	Commitment      string
	ListenAddr      string
	LogLevel        slog.Level
	LogFormat       string
	RPCTimeout      time.Duration
	DrainDelay      time.Duration
	ShutdownTimeout time.Duration
	EnableWrite     bool
	// MaxTxVersion is kept as the decimal text that is forwarded upstream.
	MaxTxVersion   string
	Toolsets       []string
	MaxBodyBytes   int64
	MaxResultBytes int64
	// AllowedOrigins holds exact origins; AllowAnyOrigin is set by "*".
	AllowedOrigins []string
	AllowAnyOrigin bool
	AuthTokens     []string

	UpstreamMaxConns      int
	UpstreamRetries       int
	UpstreamCooldown      time.Duration
	UpstreamMaxRetryAfter time.Duration
	UpstreamRPS           float64
}

// Network is one upstream network: a name and its URLs in failover order.
type Network struct {
	Name    string
	URLs    []*url.URL
	Headers map[string]string
}

// Toolsets are the tool groups that SOLANA_MCP_TOOLSETS may name.
var Toolsets = []string{"accounts", "blocks", "transactions", "tokens", "network"}

// Error is a configuration error: it names the environment variable, its flag and the
// value.
type Error struct {
	Var    string
	Value  string
	Reason string
}

func (e *Error) Error() string {
	if flag := flagFor(e.Var); flag != "" {
		return fmt.Sprintf("invalid %s=%q (flag %s): %s", e.Var, e.Value, flag, e.Reason)
	}
	return fmt.Sprintf("invalid %s=%q: %s", e.Var, e.Value, e.Reason)
}

// flagFor returns the flag that sets the environment variable env, from Config's tags.
func flagFor(env string) string {
	for _, t := range []reflect.Type{reflect.TypeOf(Config{}), reflect.TypeOf(HTTP{})} {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Tag.Get("env") == env {
				return "--" + f.Tag.Get("name")
			}
		}
	}
	return ""
}

var networkName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// Resolve checks c and derives [Settings]; the HTTP fields stay zero until
// [HTTP.Resolve]. lookupEnv reads variables that have no flag (RUST_LOG); pass
// os.LookupEnv.
func (c *Config) Resolve(lookupEnv func(string) (string, bool)) (*Settings, error) {
	s := &Settings{
		RPCTimeout:            c.RPCTimeout,
		EnableWrite:           c.EnableWriteTools,
		MaxResultBytes:        c.MaxResultBytes,
		UpstreamMaxConns:      c.UpstreamMaxConns,
		UpstreamRetries:       c.UpstreamRetries,
		UpstreamCooldown:      c.UpstreamCooldown,
		UpstreamMaxRetryAfter: c.UpstreamMaxRetryAfter,
		UpstreamRPS:           c.UpstreamRPS,
	}

	steps := []func(*Settings, func(string) (string, bool)) error{
		c.resolveNetworks,
		c.resolveCommitment,
		c.resolveLogging,
		c.resolveDurations,
		c.resolveTools,
		c.resolveLimits,
	}
	for _, step := range steps {
		if err := step(s, lookupEnv); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (c *Config) resolveNetworks(s *Settings, _ func(string) (string, bool)) error {
	if !networkName.MatchString(c.Network) {
		return &Error{"SOLANA_NETWORK", c.Network,
			"want a lower-case name such as mainnet (letters, digits, - and _; at most 32)"}
	}
	urls, err := parseURLs(c.RPCURL, ",")
	if err != nil {
		return &Error{"SOLANA_RPC_URL", redactList(c.RPCURL, ","), err.Error()}
	}
	s.Networks = append(s.Networks, Network{Name: c.Network, URLs: urls})

	if strings.TrimSpace(c.Networks) != "" {
		for _, entry := range strings.Split(c.Networks, ",") {
			name, list, ok := strings.Cut(strings.TrimSpace(entry), "=")
			name = strings.TrimSpace(name)
			if !ok || !networkName.MatchString(name) {
				return &Error{"SOLANA_MCP_NETWORKS", redactNetworks(c.Networks),
					"want name=url entries separated by commas, e.g. devnet=https://api.devnet.solana.com"}
			}
			for _, n := range s.Networks {
				if n.Name == name {
					return &Error{"SOLANA_MCP_NETWORKS", redactNetworks(c.Networks),
						fmt.Sprintf("network %q is named twice", name)}
				}
			}
			urls, err := parseURLs(list, "|")
			if err != nil {
				return &Error{"SOLANA_MCP_NETWORKS", redactNetworks(c.Networks),
					fmt.Sprintf("network %s: %v", name, err)}
			}
			s.Networks = append(s.Networks, Network{Name: name, URLs: urls})
		}
	}
	return c.resolveHeaders(s)
}

func (c *Config) resolveHeaders(s *Settings) error {
	if strings.TrimSpace(c.RPCHeaders) == "" {
		return nil
	}
	// Header values are secrets: the error quotes only the entry's network and name.
	for _, entry := range strings.Split(c.RPCHeaders, ";") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		netName, header, ok := strings.Cut(entry, ":")
		name, value, ok2 := strings.Cut(header, "=")
		name = strings.TrimSpace(name)
		if !ok || !ok2 || name == "" || strings.ContainsAny(name, " \t\r\n") {
			return &Error{"SOLANA_MCP_RPC_HEADERS", "<redacted>",
				"want entries like mainnet:x-api-key=KEY separated by ';'"}
		}
		found := false
		for i := range s.Networks {
			if s.Networks[i].Name == strings.TrimSpace(netName) {
				if s.Networks[i].Headers == nil {
					s.Networks[i].Headers = map[string]string{}
				}
				s.Networks[i].Headers[name] = strings.TrimSpace(value)
				found = true
			}
		}
		if !found {
			return &Error{"SOLANA_MCP_RPC_HEADERS", "<redacted>",
				fmt.Sprintf("network %q is not configured", strings.TrimSpace(netName))}
		}
	}
	return nil
}

func (c *Config) resolveCommitment(s *Settings, _ func(string) (string, bool)) error {
	switch c.Commitment {
	case "processed", "confirmed", "finalized":
		s.Commitment = c.Commitment
		return nil
	}
	return &Error{"SOLANA_COMMITMENT", c.Commitment, "want processed, confirmed or finalized"}
}

// Resolve checks h and fills the HTTP fields of s.
func (h *HTTP) Resolve(s *Settings) error {
	addr, err := ListenAddr(h.Listen, h.Port)
	if err != nil {
		return err
	}
	s.ListenAddr = addr
	s.DrainDelay, s.ShutdownTimeout = h.DrainDelay, h.ShutdownTimeout
	if h.DrainDelay < 0 {
		return &Error{"SOLANA_MCP_DRAIN_DELAY", h.DrainDelay.String(),
			"want a duration of at least 0s, e.g. 5s"}
	}
	if h.ShutdownTimeout < time.Millisecond {
		return &Error{"SOLANA_MCP_SHUTDOWN_TIMEOUT", h.ShutdownTimeout.String(),
			"want a duration of at least 1ms, e.g. 20s"}
	}
	if h.MaxBodyBytes < 1024 {
		return &Error{"SOLANA_MCP_MAX_BODY_BYTES", strconv.FormatInt(h.MaxBodyBytes, 10),
			"want a byte count of at least 1024"}
	}
	s.MaxBodyBytes = h.MaxBodyBytes
	return h.resolveAccess(s)
}

// ListenAddr combines SOLANA_MCP_LISTEN (host:port) and PORT (which, when set, replaces
// the port) into the address to listen on. Errors are *[Error].
func ListenAddr(listen, portVar string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", &Error{"SOLANA_MCP_LISTEN", listen, "want host:port or :port, e.g. :8080"}
	}
	if portVar != "" {
		port = portVar
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", &Error{"PORT", portVar, "want a port number from 1 to 65535"}
		}
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", &Error{"SOLANA_MCP_LISTEN", listen, "want a port number from 0 to 65535"}
	}
	return net.JoinHostPort(host, port), nil
}

func (c *Config) resolveLogging(s *Settings, lookupEnv func(string) (string, bool)) error {
	switch c.LogFormat {
	case "json", "text":
		s.LogFormat = c.LogFormat
	default:
		return &Error{"SOLANA_MCP_LOG_FORMAT", c.LogFormat, "want json or text"}
	}

	if c.LogLevel != "" {
		lvl, ok := parseLevel(c.LogLevel)
		if !ok {
			return &Error{"SOLANA_MCP_LOG_LEVEL", c.LogLevel, "want debug, info, warn or error"}
		}
		s.LogLevel = lvl
		return nil
	}
	s.LogLevel = slog.LevelInfo
	if v, ok := lookupEnv("RUST_LOG"); ok && v != "" {
		lvl, ok := levelFromRustLog(v)
		if !ok {
			return &Error{"RUST_LOG", v, "want a level such as info or debug " +
				"(or set SOLANA_MCP_LOG_LEVEL, which takes precedence)"}
		}
		s.LogLevel = lvl
	}
	return nil
}

func (c *Config) resolveDurations(s *Settings, _ func(string) (string, bool)) error {
	checks := []struct {
		name string
		v    time.Duration
		min  time.Duration
	}{
		{"SOLANA_MCP_RPC_TIMEOUT", c.RPCTimeout, time.Millisecond},
		{"SOLANA_MCP_UPSTREAM_COOLDOWN", c.UpstreamCooldown, time.Millisecond},
		{"SOLANA_MCP_UPSTREAM_MAX_RETRY_AFTER", c.UpstreamMaxRetryAfter, 0},
	}
	for _, ch := range checks {
		if ch.v < ch.min {
			return &Error{ch.name, ch.v.String(),
				fmt.Sprintf("want a duration of at least %s, e.g. 30s", ch.min)}
		}
	}
	return nil
}

func (c *Config) resolveTools(s *Settings, _ func(string) (string, bool)) error {
	v, err := strconv.ParseUint(c.MaxTxVersion, 10, 8)
	if err != nil || v > 127 {
		return &Error{"SOLANA_MCP_MAX_TX_VERSION", c.MaxTxVersion,
			"want a transaction version number from 0 to 127, e.g. 1"}
	}
	s.MaxTxVersion = strconv.FormatUint(v, 10)

	seen := map[string]bool{}
	all := false
	for _, name := range strings.Split(c.Toolsets, ",") {
		name = strings.TrimSpace(strings.ToLower(name))
		switch {
		case name == "":
		case name == "all":
			all = true
		case !slices.Contains(Toolsets, name):
			return &Error{"SOLANA_MCP_TOOLSETS", c.Toolsets,
				"want a comma-separated list of " + strings.Join(Toolsets, ", ") + " or all"}
		case !seen[name]:
			seen[name] = true
			s.Toolsets = append(s.Toolsets, name)
		}
	}
	if all {
		s.Toolsets = append([]string(nil), Toolsets...)
	}
	if len(s.Toolsets) == 0 {
		return &Error{"SOLANA_MCP_TOOLSETS", c.Toolsets, "want at least one tool group, or all"}
	}
	return nil
}

func (c *Config) resolveLimits(s *Settings, _ func(string) (string, bool)) error {
	if c.MaxResultBytes < 1024 {
		return &Error{"SOLANA_MCP_MAX_RESULT_BYTES", strconv.FormatInt(c.MaxResultBytes, 10),
			"want a byte count of at least 1024"}
	}
	if c.UpstreamMaxConns < 1 {
		return &Error{"SOLANA_MCP_UPSTREAM_MAX_CONNS", strconv.Itoa(c.UpstreamMaxConns),
			"want a positive number of connections"}
	}
	if c.UpstreamRetries < 0 || c.UpstreamRetries > 10 {
		return &Error{"SOLANA_MCP_UPSTREAM_RETRIES", strconv.Itoa(c.UpstreamRetries),
			"want a number of retries from 0 to 10"}
	}
	if !(c.UpstreamRPS >= 0) || math.IsInf(c.UpstreamRPS, 0) { // also refuses NaN
		return &Error{"SOLANA_MCP_UPSTREAM_RPS", strconv.FormatFloat(c.UpstreamRPS, 'g', -1, 64),
			"want requests per second of 0 (no limit) or more"}
	}
	return nil
}

func (h *HTTP) resolveAccess(s *Settings) error {
	for _, o := range splitList(h.AllowedOrigins) {
		if o == "*" {
			s.AllowAnyOrigin = true
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") {
			return &Error{"SOLANA_MCP_ALLOWED_ORIGINS", h.AllowedOrigins,
				fmt.Sprintf("origin %q: want scheme://host[:port], e.g. https://app.example.com", o)}
		}
		s.AllowedOrigins = append(s.AllowedOrigins, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	if strings.TrimSpace(h.AuthTokens) != "" && len(splitList(h.AuthTokens)) == 0 {
		return &Error{"SOLANA_MCP_AUTH_TOKENS", "<redacted>",
			"holds no token; give comma-separated tokens, or leave it unset to turn auth off"}
	}
	for _, t := range splitList(h.AuthTokens) {
		if len(t) < 16 {
			return &Error{"SOLANA_MCP_AUTH_TOKENS", "<redacted>",
				"each token must be at least 16 characters long"}
		}
		s.AuthTokens = append(s.AuthTokens, t)
	}
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseURLs(list, sep string) ([]*url.URL, error) {
	var out []*url.URL
	for _, raw := range strings.Split(list, sep) {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			return nil, fmt.Errorf("URL %q: want an http:// or https:// URL with a host",
				RedactURLString(raw))
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				return nil, fmt.Errorf("URL %q: port %s is not from 1 to 65535",
					RedactURLString(raw), p)
			}
		}
		out = append(out, u)
	}
	if len(out) == 0 {
		return nil, errors.New("want at least one http:// or https:// URL")
	}
	return out, nil
}

// RedactURL renders u as scheme://host only: provider URLs often carry API keys in the
// path, query or user info, and those must never reach logs, metrics or errors.
func RedactURL(u *url.URL) string {
	return u.Scheme + "://" + u.Host
}

// RedactURLString is [RedactURL] for a string that may not parse.
func RedactURLString(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "<unparseable URL>"
	}
	return RedactURL(u)
}

func redactList(list, sep string) string {
	var parts []string
	for _, raw := range strings.Split(list, sep) {
		if raw = strings.TrimSpace(raw); raw != "" {
			parts = append(parts, RedactURLString(raw))
		}
	}
	return strings.Join(parts, sep)
}

// redactNetworks renders SOLANA_MCP_NETWORKS for an error line: valid names as they
// are, URLs as scheme://host, anything else (perhaps a URL with a key) as <redacted>.
func redactNetworks(v string) string {
	var parts []string
	for _, entry := range strings.Split(v, ",") {
		name, list, ok := strings.Cut(strings.TrimSpace(entry), "=")
		name = strings.TrimSpace(name)
		if !networkName.MatchString(name) {
			name = "<redacted>"
		}
		if !ok {
			parts = append(parts, name)
			continue
		}
		parts = append(parts, name+"="+redactList(list, "|"))
	}
	return strings.Join(parts, ",")
}

func parseLevel(v string) (slog.Level, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "debug", "trace":
		return slog.LevelDebug, true
	case "info":
		return slog.LevelInfo, true
	case "warn", "warning":
		return slog.LevelWarn, true
	case "error":
		return slog.LevelError, true
	}
	return 0, false
}

// levelFromRustLog reads the level of an env_logger filter such as "info" or
// "solana_mcp_server=debug,hyper=warn": a bare level wins, else our own target's level,
// else the first target's level.
func levelFromRustLog(v string) (slog.Level, bool) {
	var first *slog.Level
	for _, part := range strings.Split(v, ",") {
		target, lvl, hasTarget := strings.Cut(strings.TrimSpace(part), "=")
		if !hasTarget {
			if l, ok := parseLevel(target); ok {
				return l, true
			}
			continue
		}
		l, ok := parseLevel(lvl)
		if !ok {
			continue
		}
		if strings.ReplaceAll(target, "-", "_") == "solana_mcp_server" {
			return l, true
		}
		if first == nil {
			first = &l
		}
	}
	if first != nil {
		return *first, true
	}
	return 0, false
}

// LookupEnv is [os.LookupEnv], named here so callers need not import os for it.
var LookupEnv = os.LookupEnv
