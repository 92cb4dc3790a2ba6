package deploy

import (
	"context"
	"fmt"
	"maps"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Drain settings of the replicas in the cluster test: short, so that the test stays quick,
// but long enough for nginx to be reloaded while a replica still serves.
const (
	clusterDrain    = 2 * time.Second
	clusterShutdown = 10 * time.Second
)

// Load of the cluster test.
const (
	sdkClients = 12
	rawClients = 12
	callPause  = 2 * time.Millisecond // between two calls of one client
	hold       = 2 * time.Second      // steady load between two steps
)

// successFixtures are the calls whose upstream result must come back unchanged.
var successFixtures = []string{
	"getSlot.json",
	"getBlockHeight.json",
	"getEpochInfo.json",
	"getVersion.json",
	"getLatestBlockhash.json",
	"getBalance.json",
	"getAccountInfo_base64.json", // rentEpoch u64::MAX: must survive digit for digit
}

// rpcErrorFixture is a call the node answers with a JSON-RPC error, which the tool must
// pass on. It is one the server neither retries nor holds against the node (an unhealthy
// node is the answer to getHealth), so that every call reaches the node exactly once.
const rpcErrorFixture = "getHealth_unhealthy.json"

// TestCluster is the loopback proof of issue 5: three replicas of the real binary behind a
// real nginx, scraped by a real Prometheus, rolled one by one with SIGTERM and then scaled to
// five and back to two under steady load from many MCP clients, without losing one call.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test skipped in -short mode")
	}
	needTool(t, "nginx")
	needTool(t, "prometheus")
	dir := t.TempDir()
	if keep := os.Getenv("DEPLOY_TEST_DIR"); keep != "" {
		dir = keep // logs of every process stay there for a look
	}

	bin := buildServer(t, dir)
	up := newFakeUpstream(t, append(slices.Clone(successFixtures), rpcErrorFixture)...)
	var cases []callCase
	for _, f := range successFixtures {
		cases = append(cases, caseFromFixture(t, f))
	}
	cases = append(cases, caseFromFixture(t, rpcErrorFixture))
	// An invalid public key: the server must refuse it itself, without asking the node.
	invalid := caseFromFixture(t, "error_invalid_param_invalid.json")
	invalid.wantErr, invalid.upstream = []string{"pubkey"}, false
	cases = append(cases, invalid)

	c := &cluster{t: t, dir: dir, bin: bin, upstream: up.URL, served: map[string]bool{}}
	for range 3 {
		c.live = append(c.live, c.startReplica())
	}
	c.nginx = startNginx(t, dir, c.addrs())
	c.prom = startPrometheus(t, dir, c.addrs())
	base := "http://" + c.nginx.listen

	// Clients.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var clients []*loadClient
	for i := range sdkClients {
		rec := newReplicaRecorder()
		s, err := newSDKCaller(ctx, base+"/mcp", rec)
		if err != nil {
			t.Fatalf("SDK client %d: connect: %v", i, err)
		}
		clients = append(clients, &loadClient{name: fmt.Sprintf("sdk-%d", i), c: s, rec: rec})
	}
	for i := range rawClients {
		rec := newReplicaRecorder()
		clients = append(clients, &loadClient{
			name: fmt.Sprintf("raw-%d", i),
			c:    &rawCaller{base: base, client: &http.Client{Transport: rec}},
			rec:  rec,
		})
	}
	t.Cleanup(func() { // runs after the load has stopped (cleanups run last first)
		for _, cl := range clients {
			cl.c.close()
		}
	})

	stats := &loadStats{}
	stop, loadDone := make(chan struct{}), make(chan struct{})
	var stopOnce sync.Once
	stopLoad := func() {
		stopOnce.Do(func() { close(stop) })
		select {
		case <-loadDone:
		case <-time.After(40 * time.Second):
			t.Error("load did not stop within 40s")
		}
	}
	loadStart := time.Now()
	go func() {
		runLoad(clients, cases, stats, stop, callPause)
		close(loadDone)
	}()
	t.Cleanup(stopLoad)

	c.waitCalls(stats, 200, 30*time.Second)
	time.Sleep(hold)

	// Rolling restart: each original replica in turn is stopped, then replaced.
	for _, old := range slices.Clone(c.live) {
		c.stop(old)
		c.live = append(c.live, c.startReplica())
		c.publish()
		time.Sleep(hold)
	}
	rolled := c.restarted

	// Scale out to five, then in to two.
	for range 2 {
		c.live = append(c.live, c.startReplica())
	}
	c.publish()
	time.Sleep(hold)
	scaledOut := len(c.live)
	c.stop(c.live[:3]...)
	time.Sleep(hold)
	scaledIn := len(c.live)

	stopLoad()
	loadTime := time.Since(loadStart)

	// Every call right, none lost.
	calls, failed := stats.calls.Load(), stats.failed.Load()
	if failed > 0 {
		t.Errorf("%d of %d calls failed; first failures:\n%s", failed, calls,
			strings.Join(stats.failures, "\n"))
	}
	if calls < 1000 {
		t.Errorf("only %d calls made; the load is too light to prove anything", calls)
	}
	if n := up.unexpected.Load(); n > 0 {
		t.Errorf("the node got %d requests no fixture matches, e.g. %v", n, up.unexpSeen)
	}
	// Each call that reaches the node does so exactly once: nothing was sent twice.
	if got, want := up.calls.Load(), stats.upstream.Load(); got != want {
		t.Errorf("the node answered %d calls, the clients made %d that reach it", got, want)
	}

	// Statelessness: each client was served by several replicas.
	minSeen, maxSeen := math.MaxInt, 0
	all := map[string]bool{}
	var replays int64
	for _, cl := range clients {
		replays += cl.rec.replays.Load()
		seen := cl.rec.replicas()
		minSeen, maxSeen = min(minSeen, len(seen)), max(maxSeen, len(seen))
		if len(seen) < 2 {
			t.Errorf("client %s was served by %d replica(s) only: %v", cl.name, len(seen), seen)
		}
		for addr := range seen {
			all[addr] = true
		}
	}
	for addr := range c.served {
		if !all[addr] {
			t.Errorf("replica %s never answered a client", addr)
		}
	}

	retried, errors5xx := nginxLogFigures(t, c.nginx)
	if errors5xx > 0 {
		t.Errorf("nginx answered %d requests with a 5xx status", errors5xx)
	}
	answers := c.checkPrometheus(stats)
	c.nginx.stop(t)

	t.Logf("figures: %d calls in %v by %d SDK sessions and %d raw HTTP clients; %d failed; "+
		"%d of the right answers were the expected tool errors (node error, invalid input)",
		calls, loadTime.Round(time.Second), sdkClients, rawClients, failed,
		stats.expectedErrs.Load())
	t.Logf("figures: the node answered %d calls; the clients made %d calls that reach it",
		up.calls.Load(), stats.upstream.Load())
	t.Logf("figures: replicas restarted by SIGTERM in the rolling update: %d; scaled 3 -> %d "+
		"-> %d; replicas stopped by SIGTERM: %d, of which exited 0 after draining: %d; "+
		"%d replica processes in all; nginx reloaded %d times",
		rolled, scaledOut, scaledIn, c.restarted, c.cleanExits, c.seq, c.nginx.reloads)
	t.Logf("figures: each client was served by %d to %d replicas; %d replicas answered calls",
		minSeen, maxSeen, len(all))
	t.Logf("figures: nginx sent %d requests to another replica after a failed connect; "+
		"5xx answers: %d", retried, errors5xx)
	t.Logf("figures: requests the clients sent again because nginx closed an idle "+
		"keep-alive connection during a reload: %d", replays)
	for _, a := range answers {
		t.Logf("PromQL %s => %s", a[0], a[1])
	}
}

// buildServer builds the server binary from the repository, stamped as the Dockerfile
// stamps it, and checks that the stamp took. DEPLOY_TEST_SERVER_BIN names a binary to test
// instead, such as a release build.
func buildServer(t *testing.T, dir string) string {
	t.Helper()
	if bin := os.Getenv("DEPLOY_TEST_SERVER_BIN"); bin != "" {
		t.Logf("testing %s: %s", bin, strings.TrimSpace(run(t, dir, bin, "version")))
		return bin
	}
	bin := filepath.Join(dir, "solana-mcp-server")
	ldflags := "-X " + buildinfoPkg + ".Version=deploy-test -X " + buildinfoPkg + ".Commit=cluster"
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", bin,
		"./cmd/solana-mcp-server")
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built the server in %v", time.Since(start).Round(100*time.Millisecond))
	out := run(t, dir, bin, "version")
	if !strings.Contains(out, "deploy-test") || !strings.Contains(out, "cluster") {
		t.Errorf("version %q does not show the -X stamps", strings.TrimSpace(out))
	}
	return bin
}

// cluster is the set of replicas behind nginx and scraped by Prometheus.
type cluster struct {
	t              *testing.T
	dir, bin       string
	upstream       string
	nginx          *nginxProc
	prom           *promProc
	live           []*replica      // replicas nginx and Prometheus know
	served         map[string]bool // every replica that was live during a hold
	seq, restarted int
	cleanExits     int // replicas that exited 0, no sooner than the drain delay
}

func (c *cluster) addrs() []string {
	var out []string
	for _, r := range c.live {
		out = append(out, r.addr)
		c.served[r.addr] = true
	}
	return out
}

// startReplica starts one more replica and waits until it is ready.
func (c *cluster) startReplica() *replica {
	c.t.Helper()
	c.seq++
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(c.t))
	p := startProcess(c.t, c.dir, fmt.Sprintf("replica-%d", c.seq), baseEnv(
		"SOLANA_RPC_URL="+c.upstream,
		"SOLANA_MCP_LISTEN="+addr,
		"SOLANA_MCP_DRAIN_DELAY="+clusterDrain.String(),
		"SOLANA_MCP_SHUTDOWN_TIMEOUT="+clusterShutdown.String(),
		"SOLANA_MCP_LOG_FORMAT=text",
	), c.bin, "serve")
	waitHTTP(c.t, p, "http://"+addr+"/ready", http.StatusOK, 15*time.Second)
	return &replica{process: p, addr: addr}
}

// publish points nginx and Prometheus at the live replicas.
func (c *cluster) publish() {
	c.t.Helper()
	addrs := c.addrs()
	c.nginx.reload(c.t, addrs)
	c.prom.setTargets(c.t, addrs)
}

// stop sends SIGTERM to replicas and takes them out of nginx at once, as an orchestrator
// does when readiness fails; then it checks that they drain and exit 0.
func (c *cluster) stop(rs ...*replica) {
	c.t.Helper()
	rs = slices.Clone(rs) // rs may share c.live's array, which changes below
	signalled := time.Now()
	for _, r := range rs {
		if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			c.t.Fatal(err)
		}
	}
	// Draining: not ready, still alive.
	for _, r := range rs {
		waitHTTP(c.t, r.process, "http://"+r.addr+"/ready", http.StatusServiceUnavailable,
			clusterDrain/2)
		waitHTTP(c.t, r.process, "http://"+r.addr+"/health", http.StatusOK, clusterDrain/2)
	}
	c.live = slices.DeleteFunc(c.live, func(r *replica) bool { return slices.Contains(rs, r) })
	c.publish()

	for _, r := range rs {
		select {
		case <-r.done:
		case <-time.After(clusterDrain + clusterShutdown + 5*time.Second):
			c.t.Fatalf("%s did not exit after SIGTERM; log:\n%s", r.name, r.tail(20))
		}
		took := time.Since(signalled)
		switch {
		case r.err != nil:
			c.t.Errorf("%s exited with %v after SIGTERM, want status 0; log:\n%s", r.name,
				r.err, r.tail(20))
		case took < clusterDrain:
			c.t.Errorf("%s exited %v after SIGTERM, before the %v drain delay", r.name, took,
				clusterDrain)
		default:
			c.cleanExits++
		}
	}
	c.restarted += len(rs)
}

// waitCalls waits until the load has made n calls.
func (c *cluster) waitCalls(s *loadStats, n int64, timeout time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for s.calls.Load() < n {
		if time.Now().After(deadline) {
			c.t.Fatalf("only %d calls within %v; failures: %v", s.calls.Load(), timeout,
				s.failures)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkPrometheus runs the guide's and the dashboard's queries against the Prometheus that
// scraped the replicas, and returns the queries with their answers.
func (c *cluster) checkPrometheus(stats *loadStats) [][2]string {
	c.t.Helper()
	t := c.t
	var answers [][2]string
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// want reruns q until ok accepts the answer, as the last scrapes may still come in.
	want := func(q string, ok func([]promSample) bool) []promSample {
		t.Helper()
		var got []promSample
		var err error
		for ctx.Err() == nil {
			got, err = c.prom.query(ctx, q)
			if err == nil && ok(got) {
				answers = append(answers, [2]string{q, formatSamples(got)})
				return got
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Errorf("PromQL %s: %v, last answer %s", q, err, formatSamples(got))
		return got
	}
	anyPositive := func(s []promSample) bool {
		return slices.ContainsFunc(s, func(x promSample) bool { return x.Value > 0 })
	}
	finite := func(s []promSample) bool {
		return slices.ContainsFunc(s, func(x promSample) bool {
			return !math.IsNaN(x.Value) && !math.IsInf(x.Value, 0) && x.Value > 0
		})
	}

	want(`rate(solana_mcp_rpc_requests_total[1m])`, anyPositive)
	want(`sum(rate(solana_mcp_rpc_requests_total[1m]))`, anyPositive)
	want(`histogram_quantile(0.95, rate(solana_mcp_rpc_request_duration_seconds_bucket[1m]))`,
		finite)
	want(`histogram_quantile(0.95, sum by (le) (`+
		`rate(solana_mcp_rpc_request_duration_seconds_bucket[1m])))`, finite)
	ratio := float64(stats.expectedErrs.Load()) / float64(stats.calls.Load())
	want(`sum(rate(solana_mcp_rpc_requests_failed_total[1m])) / `+
		`sum(rate(solana_mcp_rpc_requests_total[1m]))`,
		func(s []promSample) bool {
			return len(s) == 1 && math.Abs(s[0].Value-ratio) < 0.1
		})
	want(`sum by (error_type) (rate(solana_mcp_rpc_requests_failed_total[1m]))`,
		func(s []promSample) bool {
			types := map[string]bool{}
			for _, x := range s {
				types[x.Metric["error_type"]] = x.Value > 0
			}
			return types["rpc"] && types["validation"] && len(types) == 2
		})
	want(fmt.Sprintf(`count(up{job=%q} == 1)`, serverService), func(s []promSample) bool {
		return len(s) == 1 && int(s[0].Value) == len(c.live)
	})

	// The dashboard's queries run and, but for the error panels, have data.
	queries := dashboardQueries(t)
	for _, title := range slices.Sorted(maps.Keys(queries)) {
		q := queries[title]
		if _, err := c.prom.query(ctx, q); err != nil {
			t.Errorf("dashboard query %s (%s): %v", title, q, err)
		}
	}

	// The project's alert rules load and evaluate without error.
	var rules struct {
		Data struct {
			Groups []struct {
				Rules []struct {
					Name      string `json:"name"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
					State     string `json:"state"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	if err := getJSON(ctx, c.prom.url+"/api/v1/rules", &rules); err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, g := range rules.Data.Groups {
		for _, r := range g.Rules {
			if r.Health != "ok" {
				t.Errorf("rule %s: health %q %s", r.Name, r.Health, r.LastError)
			}
			states = append(states, r.Name+"="+r.State)
		}
	}
	if len(states) == 0 {
		t.Error("Prometheus loaded no rule of the project")
	}
	answers = append(answers, [2]string{"alert states", strings.Join(states, " ")})

	// Every series the server promises, on a live replica.
	metrics := getText(t, "http://"+c.live[0].addr+"/metrics")
	for _, name := range knownSeries {
		if !strings.Contains(metrics, "\n"+name) {
			t.Errorf("a replica's /metrics lacks %s", name)
		}
	}
	return answers
}

// formatSamples renders a query's answer for the log: each sample, or for a long vector a
// summary of its values.
func formatSamples(s []promSample) string {
	if len(s) == 0 {
		return "(empty)"
	}
	if len(s) > 4 {
		var vals []float64
		for _, x := range s {
			if !math.IsNaN(x.Value) && x.Value > 0 {
				vals = append(vals, x.Value)
			}
		}
		if len(vals) == 0 {
			return fmt.Sprintf("%d series, none above 0", len(s))
		}
		return fmt.Sprintf("%d series (one per replica and method), %d above 0, from %.4g "+
			"to %.4g", len(s), len(vals), slices.Min(vals), slices.Max(vals))
	}
	var parts []string
	for _, x := range s {
		delete(x.Metric, "__name__")
		delete(x.Metric, "job")
		label := ""
		if len(x.Metric) > 0 {
			var kv []string
			for _, k := range slices.Sorted(maps.Keys(x.Metric)) {
				kv = append(kv, k+"="+x.Metric[k])
			}
			label = "{" + strings.Join(kv, ",") + "} "
		}
		parts = append(parts, fmt.Sprintf("%s%.4g", label, x.Value))
	}
	return strings.Join(parts, "; ")
}

// nginxLogFigures reads nginx's access log: requests that went to a second replica after
// the first failed, and answers with a 5xx status.
func nginxLogFigures(t *testing.T, n *nginxProc) (retried, errors5xx int) {
	t.Helper()
	b, err := os.ReadFile(n.log)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`" (\d{3}) .* upstream=(.*) ust=`)
	for _, line := range strings.Split(string(b), "\n") {
		m := re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if strings.Contains(m[2], ",") {
			retried++
		}
		if strings.HasPrefix(m[1], "5") {
			errors5xx++
			if errors5xx <= 5 {
				t.Logf("nginx: %s", line)
			}
		}
	}
	return retried, errors5xx
}
