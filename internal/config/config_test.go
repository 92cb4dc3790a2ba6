package config

import (
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"
)

// defaults mirrors the kong defaults of Config.
func defaults() Config {
	return Config{
		RPCURL: "https://api.mainnet-beta.solana.com", Commitment: "confirmed",
		Network: "mainnet", LogFormat: "json",
		RPCTimeout: 30 * time.Second, MaxTxVersion: "1", Toolsets: "all",
		MaxResultBytes: 8 << 20, UpstreamMaxConns: 64,
		UpstreamRetries: 2, UpstreamCooldown: 10 * time.Second,
		UpstreamMaxRetryAfter: 5 * time.Second,
	}
}

// httpDefaults mirrors the kong defaults of HTTP.
func httpDefaults() HTTP {
	return HTTP{Listen: ":8080", DrainDelay: 5 * time.Second,
		ShutdownTimeout: 20 * time.Second, MaxBodyBytes: 1 << 20}
}

// resolveBoth resolves c and h as serve does.
func resolveBoth(c Config, h HTTP, lookup func(string) (string, bool)) (*Settings, error) {
	s, err := c.Resolve(lookup)
	if err != nil {
		return nil, err
	}
	return s, h.Resolve(s)
}

func noEnv(string) (string, bool) { return "", false }

func TestResolveDefaults(t *testing.T) {
	s, err := resolveBoth(defaults(), httpDefaults(), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Networks) != 1 || s.Networks[0].Name != "mainnet" ||
		s.Networks[0].URLs[0].String() != "https://api.mainnet-beta.solana.com" {
		t.Errorf("networks = %+v", s.Networks)
	}
	if s.ListenAddr != ":8080" || s.LogLevel != slog.LevelInfo || s.MaxTxVersion != "1" {
		t.Errorf("settings = %+v", s)
	}
	if strings.Join(s.Toolsets, ",") != strings.Join(Toolsets, ",") {
		t.Errorf("toolsets = %v", s.Toolsets)
	}
}

func TestResolveNetworks(t *testing.T) {
	c := defaults()
	c.RPCURL = "https://a.example/key1, https://b.example"
	c.Networks = "devnet=https://api.devnet.solana.com,testnet=https://t1.example|https://t2.example"
	c.RPCHeaders = "mainnet:x-api-key=K1; devnet:Authorization=Bearer T"
	s, err := c.Resolve(noEnv)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range s.Networks {
		var urls []string
		for _, u := range n.URLs {
			urls = append(urls, u.String())
		}
		got = append(got, n.Name+"="+strings.Join(urls, "|"))
	}
	want := "mainnet=https://a.example/key1|https://b.example," +
		"devnet=https://api.devnet.solana.com,testnet=https://t1.example|https://t2.example"
	if strings.Join(got, ",") != want {
		t.Errorf("networks = %s, want %s", strings.Join(got, ","), want)
	}
	if s.Networks[0].Headers["x-api-key"] != "K1" ||
		s.Networks[1].Headers["Authorization"] != "Bearer T" {
		t.Errorf("headers: %v %v", s.Networks[0].Headers, s.Networks[1].Headers)
	}
}

func TestResolveErrors(t *testing.T) {
	cases := []struct {
		name       string
		mutate     func(*Config)
		mutateHTTP func(*HTTP)
		env        map[string]string
		wantVar    string
		// wantNot must not appear: secrets stay out of error lines.
		wantNot string
	}{
		{name: "bad scheme", mutate: func(c *Config) { c.RPCURL = "ws://x" },
			wantVar: "SOLANA_RPC_URL"},
		{name: "key in bad URL list is redacted",
			mutate:  func(c *Config) { c.RPCURL = "https://h.example/SECRET,ftp://x" },
			wantVar: "SOLANA_RPC_URL", wantNot: "SECRET"},
		{name: "duplicate network",
			mutate:  func(c *Config) { c.Networks = "devnet=https://a,devnet=https://b" },
			wantVar: "SOLANA_MCP_NETWORKS"},
		{name: "header for unknown network",
			mutate:  func(c *Config) { c.RPCHeaders = "moon:x=SECRET" },
			wantVar: "SOLANA_MCP_RPC_HEADERS", wantNot: "SECRET"},
		{name: "port out of range", mutateHTTP: func(h *HTTP) { h.Port = "0" }, wantVar: "PORT"},
		{name: "bad RUST_LOG", env: map[string]string{"RUST_LOG": "chatty"}, wantVar: "RUST_LOG"},
		{name: "short token", mutateHTTP: func(h *HTTP) { h.AuthTokens = "SECRET" },
			wantVar: "SOLANA_MCP_AUTH_TOKENS", wantNot: "SECRET"},
		{name: "empty toolsets", mutate: func(c *Config) { c.Toolsets = " , " },
			wantVar: "SOLANA_MCP_TOOLSETS"},
		{name: "negative rps", mutate: func(c *Config) { c.UpstreamRPS = -1 },
			wantVar: "SOLANA_MCP_UPSTREAM_RPS"},
		{name: "URL port out of range",
			mutate:  func(c *Config) { c.RPCURL = "http://127.0.0.1:99999/" },
			wantVar: "SOLANA_RPC_URL"},
		{name: "token list without tokens", mutateHTTP: func(h *HTTP) { h.AuthTokens = " , " },
			wantVar: "SOLANA_MCP_AUTH_TOKENS"},
		{name: "network entry without name hides its URL",
			mutate:  func(c *Config) { c.Networks = "https://rpc.example/v0/SECRETKEY" },
			wantVar: "SOLANA_MCP_NETWORKS", wantNot: "SECRET"},
		{name: "bad name before a URL with a key",
			mutate:  func(c *Config) { c.Networks = "devnet:https://h/v2/SECRET=x" },
			wantVar: "SOLANA_MCP_NETWORKS", wantNot: "SECRET"},
		{name: "NaN rps", mutate: func(c *Config) { c.UpstreamRPS = math.NaN() },
			wantVar: "SOLANA_MCP_UPSTREAM_RPS"},
		{name: "unknown toolset beside all", mutate: func(c *Config) { c.Toolsets = "all,bogus" },
			wantVar: "SOLANA_MCP_TOOLSETS"},
		{name: "flag is named too", mutate: func(c *Config) { c.Commitment = "max" },
			wantVar: "(flag --commitment)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, h := defaults(), httpDefaults()
			if c.mutate != nil {
				c.mutate(&cfg)
			}
			if c.mutateHTTP != nil {
				c.mutateHTTP(&h)
			}
			lookup := func(k string) (string, bool) { v, ok := c.env[k]; return v, ok }
			_, err := resolveBoth(cfg, h, lookup)
			if err == nil {
				t.Fatal("Resolve succeeded, want an error")
			}
			if !strings.Contains(err.Error(), c.wantVar) {
				t.Errorf("error %q does not name %s", err, c.wantVar)
			}
			if c.wantNot != "" && strings.Contains(err.Error(), c.wantNot) {
				t.Errorf("error %q leaks %q", err, c.wantNot)
			}
		})
	}
}

func TestPortOverridesListen(t *testing.T) {
	h := httpDefaults()
	h.Listen = "127.0.0.1:8080"
	h.Port = "9999"
	s, err := resolveBoth(defaults(), h, noEnv)
	if err != nil || s.ListenAddr != "127.0.0.1:9999" {
		t.Fatalf("ListenAddr = %v, %v; want 127.0.0.1:9999", s, err)
	}
}

func TestLevelFromRustLog(t *testing.T) {
	cases := []struct {
		in   string
		want slog.Level
		ok   bool
	}{
		{"info", slog.LevelInfo, true},
		{"debug", slog.LevelDebug, true},
		{"trace", slog.LevelDebug, true},
		{"hyper=warn,solana_mcp_server=debug", slog.LevelDebug, true},
		{"hyper=error", slog.LevelError, true},
		{"warn,hyper=debug", slog.LevelWarn, true},
		{"nonsense", 0, false},
	}
	for _, c := range cases {
		got, ok := levelFromRustLog(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("levelFromRustLog(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	c := defaults()
	s, err := c.Resolve(func(k string) (string, bool) { return "debug", k == "RUST_LOG" })
	if err != nil || s.LogLevel != slog.LevelDebug {
		t.Errorf("RUST_LOG=debug gave %v, %v", s, err)
	}
	c.LogLevel = "error"
	s, _ = c.Resolve(func(k string) (string, bool) { return "debug", k == "RUST_LOG" })
	if s.LogLevel != slog.LevelError {
		t.Errorf("SOLANA_MCP_LOG_LEVEL should win over RUST_LOG, got %v", s.LogLevel)
	}
}
