package deploy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Timeouts of the server's http.Server (SPEC contract given to the deployment files).
const (
	serverWriteTimeout = 90 * time.Second
	serverIdleTimeout  = 120 * time.Second
)

// TestNginxConfProperties checks nginx.conf's balancing, discovery, proxying and limits.
func TestNginxConfProperties(t *testing.T) {
	http := projectNginx(t)

	t.Run("discovery", func(t *testing.T) {
		r := one(t, http, "resolver")
		if !slices.Contains(r.args, "127.0.0.11") {
			t.Errorf("resolver %v is not Docker's embedded DNS 127.0.0.11", r.args)
		}
		valid := func(a string) bool { return strings.HasPrefix(a, "valid=") }
		if !slices.ContainsFunc(r.args, valid) {
			t.Errorf("resolver %v has no valid=: nginx would cache answers for their TTL", r.args)
		}
	})

	up := one(t, http, "upstream").block
	t.Run("upstream", func(t *testing.T) {
		if len(find(up, "least_conn")) != 1 {
			t.Error("upstream does not balance with least_conn")
		}
		if len(find(up, "zone")) != 1 {
			t.Error("upstream has no shared zone (needed by resolve)")
		}
		servers := find(up, "server")
		if len(servers) != 1 {
			t.Fatalf("upstream lists %d servers; want the service name once, not replicas",
				len(servers))
		}
		s := servers[0]
		if s.args[0] != serverService+":8080" || !slices.Contains(s.args, "resolve") {
			t.Errorf("upstream server %v, want %s:8080 with resolve", s.args, serverService)
		}
		ka := find(up, "keepalive")
		if len(ka) != 1 {
			t.Error("no keepalive connections to the upstream")
		}
		kt := find(up, "keepalive_timeout")
		if len(kt) != 1 {
			t.Fatal("upstream keepalive_timeout not set (default 60s)")
		}
		if d, err := nginxTime(kt[0].args[0]); err != nil || d >= serverIdleTimeout {
			t.Errorf("upstream keepalive_timeout %s must be below the server's idle timeout %v",
				kt[0].args[0], serverIdleTimeout)
		}
	})

	srv := one(t, http, "server").block
	t.Run("proxy", func(t *testing.T) {
		if d := inherited("proxy_http_version", http, srv); d == nil || d.args[0] != "1.1" {
			t.Error("proxy_http_version 1.1 not set: no keep-alive to the upstream")
		}
		conn := false
		for _, d := range find(srv, "proxy_set_header", "Connection") {
			conn = conn || (len(d.args) == 2 && d.args[1] == "")
		}
		if !conn {
			t.Error(`proxy_set_header Connection "" not set: no keep-alive to the upstream`)
		}
		next := inherited("proxy_next_upstream", http, srv)
		if next == nil || !slices.Contains(next.args, "error") {
			t.Error("proxy_next_upstream does not retry connection errors")
		} else if slices.Contains(next.args, "non_idempotent") {
			t.Error("proxy_next_upstream non_idempotent would send a transaction twice")
		}
	})

	t.Run("locations", func(t *testing.T) {
		for _, path := range []string{"/mcp", "/api/mcp"} {
			loc := one(t, srv, "location", "=", path).block
			if d := find(loc, "proxy_pass"); len(d) != 1 || d[0].args[0] != "http://solana_mcp" {
				t.Errorf("%s is not proxied to the upstream", path)
			}
			if d := inherited("proxy_buffering", http, srv, loc); d == nil || d.args[0] != "off" {
				t.Errorf("%s: proxy_buffering is not off; event streams would be held back", path)
			}
			d := inherited("proxy_read_timeout", http, srv, loc)
			if d == nil {
				t.Errorf("%s: proxy_read_timeout not set (default 60s)", path)
			} else if rt, err := nginxTime(d.args[0]); err != nil || rt < serverWriteTimeout {
				t.Errorf("%s: proxy_read_timeout %s is below the server's write timeout %v",
					path, d.args[0], serverWriteTimeout)
			}
		}
		for _, path := range []string{"/health", "/metrics"} {
			loc := find(srv, "location", "=", path)
			if len(loc) != 1 || len(find(loc[0].block, "proxy_pass")) != 1 {
				t.Errorf("%s is not passed through to the replicas", path)
			}
		}
	})

	t.Run("body size", func(t *testing.T) {
		// SPEC: SOLANA_MCP_MAX_BODY_BYTES defaults to 1 MiB.
		if n := nginxBodyLimit(t); n != 1<<20 {
			t.Errorf("client_max_body_size is %d bytes, want the server's 1 MiB", n)
		}
	})
}

// TestNginxSyntax runs the real nginx -t on the project's nginx.conf. An nginx older than
// 1.27.3 does not know `server ... resolve`; then that line is replaced by a static address
// and everything else is checked as it is.
func TestNginxSyntax(t *testing.T) {
	nginx := needTool(t, "nginx")
	version := nginxVersion(t, nginx)
	dir := t.TempDir()

	c := nginxTestCopy{tempDir: dir}
	if !versionAtLeast(version, nginxResolveVersion) {
		t.Logf("nginx %s predates %s and lacks `server ... resolve`: the test copy lists "+
			"127.0.0.1:8080 instead; the rest of nginx.conf is checked unchanged", version,
			nginxResolveVersion)
		c.upstreams = []string{"127.0.0.1:8080"}
	}
	conf, notes := c.adapt(t, readRepoFile(t, "nginx.conf"))
	for _, n := range notes {
		t.Logf("test copy: %s", n)
	}
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out := run(t, dir, nginx, "-t", "-p", dir, "-c", path, "-e", filepath.Join(dir, "error.log"),
		"-g", "pid "+filepath.Join(dir, "nginx.pid")+";")
	t.Logf("nginx %s -t: %s", version, strings.TrimSpace(out))
}
