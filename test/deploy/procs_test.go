package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// process is a child process whose output goes to a log file.
type process struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error // from Wait, valid once done is closed
}

// startProcess starts a command with its output in dir/<name>.log. t.Cleanup kills it (its
// whole process group) if it is still running.
func startProcess(t testing.TB, dir, name string, env []string, bin string,
	args ...string) *process {
	t.Helper()
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	p := &process{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
			return
		default:
		}
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	})
	return p
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// tail returns the last lines of the process's log, for failure messages.
func (p *process) tail(n int) string {
	b, _ := os.ReadFile(p.log)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// baseEnv is the environment of child processes: only what a process needs, so that a
// variable of the test's own environment (PORT, RUST_LOG...) cannot change their settings.
func baseEnv(extra ...string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir(), "TMPDIR=" + os.TempDir()}
	return append(env, extra...)
}

// waitHTTP polls url until it answers with status want, or fails the test after timeout.
func waitHTTP(t testing.TB, p *process, url string, want int, timeout time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		if p != nil && p.exited() {
			t.Fatalf("%s exited (%v) before %s answered; log:\n%s", p.name, p.err, url, p.tail(20))
		}
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not answer %d within %v (last: %s)", url, want, timeout, last)
}

// replica is one running solana-mcp-server.
type replica struct {
	*process
	addr string // 127.0.0.1:port
}

// nginxProc is a running nginx master with its configuration in a directory of its own.
type nginxProc struct {
	*process
	bin, dir, conf string
	version        string
	listen         string
	src            string // the project's nginx.conf
	reloads        int
}

// startNginx writes a test copy of nginx.conf for the given replicas and starts nginx on a
// free loopback port.
func startNginx(t *testing.T, parent string, upstreams []string) *nginxProc {
	t.Helper()
	bin := needTool(t, "nginx")
	dir := filepath.Join(parent, "nginx")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	n := &nginxProc{
		bin:     bin,
		dir:     dir,
		conf:    filepath.Join(dir, "nginx.conf"),
		version: nginxVersion(t, bin),
		listen:  fmt.Sprintf("127.0.0.1:%d", freePort(t)),
		src:     readRepoFile(t, "nginx.conf"),
	}
	notes := n.write(t, upstreams)
	t.Logf("nginx %s; test copy of nginx.conf differs from the project's only in:", n.version)
	for _, note := range notes {
		t.Logf("  - %s", note)
	}
	t.Logf("  (nginx %s lacks `server ... resolve`, %s+, so the test rewrites the address "+
		"list and reloads nginx where Docker DNS would be re-resolved)", n.version,
		nginxResolveVersion)
	n.process = startProcess(t, dir, "nginx", baseEnv(), bin, n.args("daemon off;")...)
	waitHTTP(t, n.process, "http://"+n.listen+"/health", http.StatusOK, 10*time.Second)
	return n
}

func (n *nginxProc) args(global string) []string {
	return []string{"-p", n.dir, "-c", n.conf, "-e", filepath.Join(n.dir, "error.log"),
		"-g", "pid " + filepath.Join(n.dir, "nginx.pid") + "; " + global}
}

// write writes the test copy for the given upstream addresses and checks it with nginx -t.
func (n *nginxProc) write(t *testing.T, upstreams []string) []string {
	t.Helper()
	conf, notes := nginxTestCopy{
		upstreams:      upstreams,
		listen:         n.listen,
		tempDir:        n.dir,
		upstreamHeader: true,
	}.adapt(t, n.src)
	if err := os.WriteFile(n.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, n.dir, n.bin, append([]string{"-t", "-q"}, n.args("")...)...)
	return notes
}

// reload points nginx at a new set of replicas, as re-resolving the service name would, and
// returns once new worker processes serve with the new list.
func (n *nginxProc) reload(t *testing.T, upstreams []string) {
	t.Helper()
	n.write(t, upstreams)
	before := childPIDs(n.cmd.Process.Pid)
	if err := n.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, pid := range childPIDs(n.cmd.Process.Pid) {
			if !slices.Contains(before, pid) {
				n.reloads++
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("nginx started no new workers after a reload; log:\n%s", n.tail(20))
}

// childPIDs lists the processes whose parent is pid.
func childPIDs(pid int) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

// stop shuts nginx down gracefully.
func (n *nginxProc) stop(t *testing.T) {
	t.Helper()
	_ = n.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-n.done:
	case <-time.After(10 * time.Second):
		t.Errorf("nginx did not stop within 10s")
	}
}

// promProc is a running Prometheus scraping the replicas listed in a file_sd targets file.
type promProc struct {
	*process
	url     string
	targets string
}

// startPrometheus starts Prometheus with a 1s scrape of the replicas (file_sd) and the
// project's alert rules loaded.
func startPrometheus(t *testing.T, parent string, targets []string) *promProc {
	t.Helper()
	bin := needTool(t, "prometheus")
	dir := filepath.Join(parent, "prometheus")
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := &promProc{
		url:     fmt.Sprintf("http://127.0.0.1:%d", freePort(t)),
		targets: filepath.Join(dir, "targets.json"),
	}
	p.setTargets(t, targets)
	rules := filepath.Join(repoRoot(t), filepath.FromSlash(rulesFile))
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files:
  - %q
scrape_configs:
  - job_name: %s
    file_sd_configs:
      - files: [%q]
        refresh_interval: 1s
`, rules, serverService, p.targets)
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	p.process = startProcess(t, dir, "prometheus", baseEnv(), bin,
		"--config.file="+cfgPath,
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+strings.TrimPrefix(p.url, "http://"),
	)
	waitHTTP(t, p.process, p.url+"/-/ready", http.StatusOK, 30*time.Second)
	return p
}

// setTargets rewrites the targets file atomically; Prometheus notices within a second.
func (p *promProc) setTargets(t *testing.T, targets []string) {
	t.Helper()
	b, err := json.Marshal([]map[string]any{{"targets": targets}})
	if err != nil {
		t.Fatal(err)
	}
	tmp := p.targets + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, p.targets); err != nil {
		t.Fatal(err)
	}
}

// promSample is one element of an instant query's vector.
type promSample struct {
	Metric map[string]string
	Value  float64
}

// query runs an instant PromQL query and returns its samples.
func (p *promProc) query(ctx context.Context, q string) ([]promSample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		p.url+"/api/v1/query?query="+url.QueryEscape(q), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, err
	}
	if body.Status != "success" {
		return nil, errors.New(body.Error)
	}
	if body.Data.ResultType != "vector" {
		return nil, fmt.Errorf("result type %s, want vector", body.Data.ResultType)
	}
	var out []promSample
	for _, r := range body.Data.Result {
		s, _ := r.Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("value %v: %w", r.Value[1], err)
		}
		out = append(out, promSample{Metric: r.Metric, Value: v})
	}
	return out, nil
}

func (p *promProc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

// getJSON GETs url and decodes its JSON body into v.
func getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// getText GETs url and returns its body, failing the test on any error.
func getText(t testing.TB, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", url, resp.Status, err)
	}
	return string(b)
}
