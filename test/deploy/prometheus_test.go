package deploy

import (
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

const (
	rulesFile     = "deploy/prometheus/rules/solana-mcp.rules.yml"
	rulesTestFile = "deploy/prometheus/rules/solana-mcp.rules.test.yml"
)

// ruleFile is the part of a Prometheus rule file these tests look at.
type ruleFile struct {
	Groups []struct {
		Rules []struct {
			Alert string `json:"alert"`
			Expr  string `json:"expr"`
		} `json:"rules"`
	} `json:"groups"`
}

// ruleTestFile is the part of a promtool unit-test file these tests look at.
type ruleTestFile struct {
	Tests []struct {
		AlertRuleTest []struct {
			Alertname string           `json:"alertname"`
			ExpAlerts []map[string]any `json:"exp_alerts"`
		} `json:"alert_rule_test"`
	} `json:"tests"`
}

func TestPromtool(t *testing.T) {
	promtool := needTool(t, "promtool")
	dir := filepath.Join(repoRoot(t), "deploy", "prometheus")

	out := run(t, dir, promtool, "check", "config", "prometheus-compose.yml",
		"prometheus-swarm.yml")
	t.Logf("promtool check config:\n%s", out)
	if !strings.Contains(out, "rules found") {
		t.Error("the configurations load no rule file")
	}
	t.Logf("promtool check rules:\n%s",
		run(t, dir, promtool, "check", "rules", "rules/solana-mcp.rules.yml"))
	t.Logf("promtool test rules:\n%s",
		run(t, filepath.Join(dir, "rules"), promtool, "test", "rules", "solana-mcp.rules.test.yml"))
}

// TestAlertRules checks that the alerts of the issue exist and that the unit tests prove
// each alert both firing and staying quiet.
func TestAlertRules(t *testing.T) {
	var rules ruleFile
	if err := yaml.Unmarshal([]byte(readRepoFile(t, rulesFile)), &rules); err != nil {
		t.Fatal(err)
	}
	exprs := map[string]string{}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				exprs[r.Alert] = r.Expr
			}
		}
	}

	// What each required alert must look at.
	required := map[string][]string{
		"SolanaMCPHighCPU": {"process_cpu_seconds_total", ">"},
		"SolanaMCPLowCPU":  {"process_cpu_seconds_total", "<"},
		"SolanaMCPHighErrorRatio": {
			"solana_mcp_rpc_requests_failed_total", "solana_mcp_rpc_requests_total", "> 0.10",
		},
		"SolanaMCPHighLatencyP95": {
			"histogram_quantile(0.95", "solana_mcp_rpc_request_duration_seconds_bucket", "> 2",
		},
		"SolanaMCPNoRequests": {"solana_mcp_rpc_requests_total", "== 0"},
	}
	for name, parts := range required {
		expr, ok := exprs[name]
		if !ok {
			t.Errorf("alert %s missing", name)
			continue
		}
		for _, p := range parts {
			if !strings.Contains(expr, p) {
				t.Errorf("alert %s: expression lacks %q:\n%s", name, p, expr)
			}
		}
	}

	var tests ruleTestFile
	if err := yaml.Unmarshal([]byte(readRepoFile(t, rulesTestFile)), &tests); err != nil {
		t.Fatal(err)
	}
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, tc := range tests.Tests {
		for _, a := range tc.AlertRuleTest {
			if len(a.ExpAlerts) > 0 {
				fires[a.Alertname] = true
			} else {
				quiet[a.Alertname] = true
			}
		}
	}
	for name := range exprs {
		if !fires[name] {
			t.Errorf("no unit test shows %s firing", name)
		}
		if !quiet[name] {
			t.Errorf("no unit test shows %s staying quiet", name)
		}
	}
}

// knownSeries are the series of the server that the deployment files use: those of SPEC
// §4, with the suffixes of the histogram, and the upstream breaker state. The cluster test
// checks each one on a live replica.
var knownSeries = []string{
	"solana_mcp_rpc_requests_total",
	"solana_mcp_rpc_requests_successful_total",
	"solana_mcp_rpc_requests_failed_total",
	"solana_mcp_rpc_request_duration_seconds_bucket",
	"solana_mcp_rpc_request_duration_seconds_sum",
	"solana_mcp_rpc_request_duration_seconds_count",
	"solana_mcp_build_info",
	"solana_mcp_upstream_up",
}

// TestMetricNames checks that rules, dashboard and autoscaling use only series the server
// exports: a misspelt name gives an alert that never fires or a graph that stays empty.
func TestMetricNames(t *testing.T) {
	re := regexp.MustCompile(`\bsolana_mcp_[a-z0-9_]+`)
	for _, f := range []string{
		rulesFile,
		rulesTestFile,
		"deploy/grafana/dashboards/solana-mcp-server.json",
		"k8s/prometheus-adapter-rules.yaml",
	} {
		var unknown []string
		for _, name := range re.FindAllString(readRepoFile(t, f), -1) {
			if !slices.Contains(knownSeries, name) && !slices.Contains(unknown, name) &&
				name != "solana_mcp_rpc_requests_per_second" { // the adapter's output name
				unknown = append(unknown, name)
			}
		}
		sort.Strings(unknown)
		if len(unknown) > 0 {
			t.Errorf("%s uses series the server does not export: %v", f, unknown)
		}
	}
}
