// Package e2e runs the real solana-mcp-server binary as a separate process against a
// fake Solana node (package rpcfake, answering from the shared fixtures) and talks to
// it with the official MCP Go SDK client, as users do.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	dto "github.com/prometheus/client_model/go"

	"github.com/solana-mcp/solana-mcp-server/pkg/rpcfake"
)

// binary is the server built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "smcp-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "solana-mcp-server")
	build := exec.Command("go", "build", "-o", binary,
		"-ldflags", "-X github.com/solana-mcp/solana-mcp-server/internal/buildinfo.Version=e2e",
		"../../cmd/solana-mcp-server")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build server:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a running server process.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port

	mu   sync.Mutex
	logs bytes.Buffer
	done chan struct{}
	err  error
}

// freePort asks the kernel for an unused loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// start runs the binary with env (on top of a minimal environment) and waits until
// /ready answers 200. It is stopped with SIGKILL at the end of the test if still running.
func start(t *testing.T, env ...string) *proc {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(binary, "serve")
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"SOLANA_MCP_LISTEN=127.0.0.1:" + fmt.Sprint(port),
		"SOLANA_MCP_LOG_FORMAT=text",
		"SOLANA_MCP_LOG_LEVEL=debug",
	}, env...)
	p := &proc{t: t, cmd: cmd, base: fmt.Sprintf("http://127.0.0.1:%d", port),
		done: make(chan struct{})}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.logs.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("server log:\n%s", p.Logs())
		}
	})

	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("server exited early: %v\n%s", p.err, p.Logs())
		default:
		}
		if st, _ := p.status("/ready"); st == http.StatusOK {
			return p
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server not ready in time\n%s", p.Logs())
	return nil
}

// Logs returns what the server wrote to stderr so far.
func (p *proc) Logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// status GETs path and returns the status code.
func (p *proc) status(path string) (int, error) {
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(p.base + path)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// signal sends sig to the process.
func (p *proc) signal(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
}

// wait waits up to d for the process to exit and returns its exit code.
func (p *proc) wait(d time.Duration) (int, bool) {
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode(), true
	case <-time.After(d):
		return 0, false
	}
}

// connect opens an MCP client session at the given protocol version.
func connect(t *testing.T, ctx context.Context, endpoint, version string) *mcp.ClientSession {
	t.Helper()
	client := mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "v0.0.1"}, nil)
	cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{
		Endpoint:             endpoint,
		DisableStandaloneSSE: true,
		MaxRetries:           -1,
	}, &mcp.ClientSessionOptions{ProtocolVersion: version})
	if err != nil {
		t.Fatalf("connect %s (protocol %s): %v", endpoint, version, err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

// callTool calls a tool with raw JSON arguments (so big numbers keep their digits).
func callTool(t *testing.T, ctx context.Context, cs *mcp.ClientSession, name,
	args string) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name,
		Arguments: json.RawMessage(args)})
	if err != nil {
		t.Fatalf("%s(%s): protocol error: %v", name, args, err)
	}
	return res
}

// text returns the single text content of a result.
func text(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	if len(res.Content) != 1 {
		t.Fatalf("want 1 content item, got %d", len(res.Content))
	}
	tc, ok := res.Content[0].(*mcp.TextContent)
	if !ok {
		t.Fatalf("content is %T, want text", res.Content[0])
	}
	return tc.Text
}

// scrape reads /metrics into metric families.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// counter returns the value of the counter with exactly these labels, or 0.
func counter(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	for _, m := range series(fams, name, labels) {
		return m.GetCounter().GetValue()
	}
	return 0
}

// histCount returns the sample count of the histogram with these labels, or 0.
func histCount(fams map[string]*dto.MetricFamily, name string, labels map[string]string) uint64 {
	for _, m := range series(fams, name, labels) {
		return m.GetHistogram().GetSampleCount()
	}
	return 0
}

func series(fams map[string]*dto.MetricFamily, name string,
	labels map[string]string) []*dto.Metric {
	fam, ok := fams[name]
	if !ok {
		return nil
	}
	var out []*dto.Metric
	for _, m := range fam.GetMetric() {
		got := map[string]string{}
		for _, lp := range m.GetLabel() {
			got[lp.GetName()] = lp.GetValue()
		}
		match := len(got) == len(labels)
		for k, v := range labels {
			match = match && got[k] == v
		}
		if match {
			out = append(out, m)
		}
	}
	return out
}

// fixtures loads the shared Solana fixtures.
func fixtures(t *testing.T) map[string]rpcfake.Fixture {
	t.Helper()
	fx, err := rpcfake.LoadSharedFixtures()
	if err != nil {
		t.Fatal(err)
	}
	return fx
}
