package deploy

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"sigs.k8s.io/yaml"
)

const (
	serverService = "solana-mcp-server"
	gib           = 1 << 30
	mib           = 1 << 20
)

// loadCompose loads a compose file of the repository with compose-go, as `docker compose`
// and `docker stack deploy` do, with the given variables as the only environment.
func loadCompose(t *testing.T, file string, env map[string]string,
	profiles ...string) *types.Project {
	t.Helper()
	root := repoRoot(t)
	var envList []string
	for k, v := range env {
		envList = append(envList, k+"="+v)
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(root, file)},
		cli.WithName("solana-mcp"),
		cli.WithWorkingDirectory(root),
		cli.WithEnv(envList),
		cli.WithProfiles(profiles),
	)
	if err != nil {
		t.Fatal(err)
	}
	p, err := cli.ProjectFromOptions(context.Background(), opts)
	if err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	return p
}

// checkServerService checks what Compose and Swarm have in common for the server service.
func checkServerService(t *testing.T, svc types.ServiceConfig) {
	t.Helper()
	for _, p := range svc.Ports {
		t.Errorf("%s publishes port %s:%d; a fixed host port stops scaling", svc.Name,
			p.Published, p.Target)
	}

	if svc.HealthCheck == nil || svc.HealthCheck.Disable {
		t.Errorf("%s has no health check", svc.Name)
	} else {
		want := []string{"CMD", serverBinaryPath, "healthcheck"}
		if !slices.Equal(svc.HealthCheck.Test, want) {
			t.Errorf("health check %v, want %v (the image has no shell or curl)",
				svc.HealthCheck.Test, want)
		}
	}

	drain := envDuration(t, svc.Environment, "SOLANA_MCP_DRAIN_DELAY", defaultDrainDelay)
	shutdown := envDuration(t, svc.Environment, "SOLANA_MCP_SHUTDOWN_TIMEOUT",
		defaultShutdownTimeout)
	if svc.StopGracePeriod == nil {
		t.Errorf("%s has no stop_grace_period; the default 10s cuts the %v drain short",
			svc.Name, drain+shutdown)
	} else if g := time.Duration(*svc.StopGracePeriod); g <= drain+shutdown {
		t.Errorf("stop_grace_period %v does not exceed drain %v + shutdown %v", g, drain,
			shutdown)
	}
	if svc.StopSignal != "" && svc.StopSignal != "SIGTERM" {
		t.Errorf("stop_signal %q, want SIGTERM", svc.StopSignal)
	}

	for _, name := range []string{"SOLANA_RPC_URL", "SOLANA_COMMITMENT", "SOLANA_MCP_LOG_LEVEL"} {
		if v, ok := svc.Environment[name]; !ok || v == nil || *v == "" {
			t.Errorf("%s does not set %s", svc.Name, name)
		}
	}
	if v := svc.Environment["SOLANA_MCP_MAX_BODY_BYTES"]; v == nil ||
		*v != strconv.Itoa(nginxBodyLimit(t)) {
		t.Errorf("SOLANA_MCP_MAX_BODY_BYTES = %v, want nginx's client_max_body_size %d",
			v, nginxBodyLimit(t))
	}

	if svc.Deploy == nil || svc.Deploy.Resources.Limits == nil ||
		svc.Deploy.Resources.Reservations == nil {
		t.Fatalf("%s lacks deploy.resources limits and reservations", svc.Name)
	}
	lim, res := svc.Deploy.Resources.Limits, svc.Deploy.Resources.Reservations
	if lim.NanoCPUs != 0.5 || lim.MemoryBytes != 1*gib {
		t.Errorf("limits %v CPU / %d bytes, want 0.5 / 1G", lim.NanoCPUs, lim.MemoryBytes)
	}
	if res.NanoCPUs != 0.25 || res.MemoryBytes != 512*mib {
		t.Errorf("reservations %v CPU / %d bytes, want 0.25 / 512M", res.NanoCPUs,
			res.MemoryBytes)
	}
}

func TestCompose(t *testing.T) {
	p := loadCompose(t, "docker-compose.yml", nil)
	svc, err := p.GetService(serverService)
	if err != nil {
		t.Fatal(err)
	}
	checkServerService(t, svc)

	if svc.Restart == "" || svc.Restart == types.RestartPolicyNo {
		t.Errorf("restart policy %q, want one that restarts", svc.Restart)
	}
	if svc.Build == nil {
		t.Errorf("%s has no build section", serverService)
	} else {
		for _, arg := range []string{"VERSION", "COMMIT"} {
			if _, ok := svc.Build.Args[arg]; !ok {
				t.Errorf("build does not pass the %s argument", arg)
			}
		}
	}
	if v := svc.Environment["SOLANA_RPC_URL"]; v == nil ||
		*v != "https://api.mainnet-beta.solana.com" {
		t.Errorf("default SOLANA_RPC_URL = %v", v)
	}

	nginx, err := p.GetService("nginx")
	if err != nil {
		t.Fatal(err)
	}
	if dep, ok := nginx.DependsOn[serverService]; !ok ||
		dep.Condition != types.ServiceConditionHealthy {
		t.Errorf("nginx depends_on %v, want %s with condition service_healthy",
			nginx.DependsOn, serverService)
	}
	if len(nginx.Ports) == 0 {
		t.Error("nginx publishes no port")
	}
	checkNginxImage(t, nginx.Image)
	checkBindSources(t, p)
	if !mountsFile(nginx, "./nginx.conf", "/etc/nginx/nginx.conf") {
		t.Errorf("nginx does not mount ./nginx.conf at /etc/nginx/nginx.conf")
	}

	// Monitoring stays off unless its profile is asked for.
	for _, name := range []string{"prometheus", "grafana"} {
		if _, err := p.GetService(name); err == nil {
			t.Errorf("%s runs without a profile", name)
		}
	}
	withMon := loadCompose(t, "docker-compose.yml", nil, "monitoring")
	prom, err := withMon.GetService("prometheus")
	if err != nil {
		t.Fatalf("profile monitoring: %v", err)
	}
	if _, err := withMon.GetService("grafana"); err != nil {
		t.Errorf("profile monitoring: %v", err)
	}
	checkBindSources(t, withMon)
	if !mountsFile(prom, "./deploy/prometheus/prometheus-compose.yml",
		"/etc/prometheus/prometheus.yml") {
		t.Error("prometheus does not mount deploy/prometheus/prometheus-compose.yml")
	}
	checkPrometheusDNSSD(t, "deploy/prometheus/prometheus-compose.yml", serverService)

	// Variables from the environment reach the server.
	custom := loadCompose(t, "docker-compose.yml", map[string]string{
		"SOLANA_RPC_URL": "https://api.devnet.solana.com",
	})
	svc, _ = custom.GetService(serverService)
	if v := svc.Environment["SOLANA_RPC_URL"]; v == nil || *v != "https://api.devnet.solana.com" {
		t.Errorf("SOLANA_RPC_URL from the environment not used: %v", v)
	}
}

func TestStack(t *testing.T) {
	p := loadCompose(t, "docker-stack.yml", nil)
	svc, err := p.GetService(serverService)
	if err != nil {
		t.Fatal(err)
	}
	checkServerService(t, svc)

	d := svc.Deploy
	if d.Replicas == nil || *d.Replicas < 2 {
		t.Errorf("replicas %v, want at least 2", d.Replicas)
	}
	// nginx balances over the tasks itself, so the name must resolve to every task.
	if d.EndpointMode != "dnsrr" {
		t.Errorf("endpoint_mode %q, want dnsrr so that nginx sees every task", d.EndpointMode)
	}
	if d.RestartPolicy == nil || d.RestartPolicy.Condition == "" ||
		d.RestartPolicy.Condition == "none" {
		t.Errorf("restart_policy %+v, want one that restarts", d.RestartPolicy)
	}
	if u := d.UpdateConfig; u == nil {
		t.Error("no update_config")
	} else {
		if u.FailureAction != "rollback" {
			t.Errorf("update_config.failure_action %q, want rollback", u.FailureAction)
		}
		if u.Order != "start-first" && u.Order != "stop-first" {
			t.Errorf("update_config.order %q", u.Order)
		}
		if u.Parallelism == nil || *u.Parallelism < 1 {
			t.Errorf("update_config.parallelism %v", u.Parallelism)
		}
		if u.Monitor <= 0 {
			t.Error("update_config.monitor not set: failures after start are not seen")
		}
	}
	if d.RollbackConfig == nil {
		t.Error("no rollback_config")
	}
	if svc.Build != nil {
		t.Error("Swarm ignores build; the stack must name a pushed image")
	}

	for name := range svc.Networks {
		if n := p.Networks[name]; n.Driver != "overlay" {
			t.Errorf("network %s has driver %q, want overlay", name, n.Driver)
		}
	}
	if len(svc.Networks) == 0 {
		t.Error("the server joins no network")
	}

	nginx, err := p.GetService("nginx")
	if err != nil {
		t.Fatal(err)
	}
	checkNginxImage(t, nginx.Image)
	if len(nginx.Ports) == 0 {
		t.Error("nginx publishes no port")
	}

	for name, c := range p.Configs {
		if _, err := os.Stat(c.File); err != nil {
			t.Errorf("config %s: %v", name, err)
		}
	}
	if _, err := p.GetService("prometheus"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(p.Configs["prometheus_conf"].File, "prometheus-swarm.yml") {
		t.Errorf("prometheus_conf is %q, want deploy/prometheus/prometheus-swarm.yml",
			p.Configs["prometheus_conf"].File)
	}
	checkPrometheusDNSSD(t, "deploy/prometheus/prometheus-swarm.yml", "tasks."+serverService)
}

// checkNginxImage checks that the nginx image is recent enough for `server ... resolve`.
func checkNginxImage(t *testing.T, image string) {
	t.Helper()
	_, tag, _ := strings.Cut(image, ":")
	if !versionAtLeast(strings.TrimSuffix(tag, "-alpine"), nginxResolveVersion) {
		t.Errorf("nginx image %q: nginx.conf needs nginx %s or newer for `resolve`", image,
			nginxResolveVersion)
	}
}

// mountsFile reports whether svc bind-mounts the repository file src at target.
func mountsFile(svc types.ServiceConfig, src, target string) bool {
	for _, v := range svc.Volumes {
		if v.Type == types.VolumeTypeBind && v.Target == target &&
			strings.HasSuffix(filepath.ToSlash(v.Source), strings.TrimPrefix(src, ".")) {
			return true
		}
	}
	return false
}

// checkBindSources checks that every bind-mounted path exists in the repository.
func checkBindSources(t *testing.T, p *types.Project) {
	t.Helper()
	for _, svc := range p.Services {
		for _, v := range svc.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			if _, err := os.Stat(v.Source); err != nil {
				t.Errorf("%s mounts %s: %v", svc.Name, v.Source, err)
			}
		}
	}
}

// promConfig is the part of a Prometheus configuration these tests look at.
type promConfig struct {
	RuleFiles     []string `json:"rule_files"`
	ScrapeConfigs []struct {
		JobName      string `json:"job_name"`
		MetricsPath  string `json:"metrics_path"`
		DNSSDConfigs []struct {
			Names []string `json:"names"`
			Type  string   `json:"type"`
			Port  int      `json:"port"`
		} `json:"dns_sd_configs"`
	} `json:"scrape_configs"`
}

// checkPrometheusDNSSD checks that a Prometheus configuration finds the replicas one by one
// through DNS under the given name, on the server's port.
func checkPrometheusDNSSD(t *testing.T, rel, name string) {
	t.Helper()
	var cfg promConfig
	if err := yaml.Unmarshal([]byte(readRepoFile(t, rel)), &cfg); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	for _, sc := range cfg.ScrapeConfigs {
		if sc.JobName != serverService {
			continue
		}
		for _, d := range sc.DNSSDConfigs {
			if slices.Contains(d.Names, name) && d.Type == "A" && d.Port == 8080 {
				return
			}
		}
	}
	t.Errorf("%s: no job %s with dns_sd_configs on %s (type A, port 8080)", rel,
		serverService, name)
}

// versionAtLeast reports whether dotted version v is at least min ("1.28" >= "1.27.3").
func versionAtLeast(v, min string) bool {
	a, b := strings.Split(v, "."), strings.Split(min, ".")
	for i := range b {
		var x int
		if i < len(a) {
			n, err := strconv.Atoi(a[i])
			if err != nil {
				return false
			}
			x = n
		}
		y, _ := strconv.Atoi(b[i])
		if x != y {
			return x > y
		}
	}
	return true
}
