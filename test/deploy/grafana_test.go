package deploy

import (
	"encoding/json"
	"strings"
	"testing"
)

const dashboardFile = "deploy/grafana/dashboards/solana-mcp-server.json"

// dashboard is the part of a Grafana dashboard these tests look at.
type dashboard struct {
	UID    string  `json:"uid"`
	Title  string  `json:"title"`
	Panels []panel `json:"panels"`
}

type panel struct {
	Title   string `json:"title"`
	Type    string `json:"type"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// loadDashboard parses the dashboard JSON and returns its panels by title.
func loadDashboard(t *testing.T) map[string]panel {
	t.Helper()
	var d dashboard
	dec := json.NewDecoder(strings.NewReader(readRepoFile(t, dashboardFile)))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	if d.UID == "" || d.Title == "" {
		t.Error("dashboard has no uid or title")
	}
	byTitle := map[string]panel{}
	for _, p := range d.Panels {
		if _, dup := byTitle[p.Title]; dup {
			t.Errorf("two panels titled %q", p.Title)
		}
		byTitle[p.Title] = p
	}
	return byTitle
}

// dashboardPanels are the panels the issue asks for, each with what its queries must hold.
var dashboardPanels = map[string][]string{
	"Request rate by method": {
		"sum by (method) (rate(solana_mcp_rpc_requests_total",
	},
	"Error rate by error_type": {
		"sum by (error_type) (rate(solana_mcp_rpc_requests_failed_total",
	},
	"Latency p50 / p95 / p99": {
		"histogram_quantile(0.5, sum by (le) (rate(solana_mcp_rpc_request_duration_seconds_bucket",
		"histogram_quantile(0.95, sum by (le) (rate(solana_mcp_rpc_request_duration_seconds_bucket",
		"histogram_quantile(0.99, sum by (le) (rate(solana_mcp_rpc_request_duration_seconds_bucket",
	},
	"Replica count": {
		"count(up{",
	},
}

func TestGrafanaDashboard(t *testing.T) {
	panels := loadDashboard(t)
	for title, wants := range dashboardPanels {
		p, ok := panels[title]
		if !ok {
			t.Errorf("no panel %q", title)
			continue
		}
		var exprs []string
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
		all := strings.Join(exprs, "\n")
		for _, w := range wants {
			if !strings.Contains(all, w) {
				t.Errorf("panel %q has no query with %q; queries:\n%s", title, w, all)
			}
		}
	}
	for title, p := range panels {
		for _, tg := range p.Targets {
			if strings.Count(tg.Expr, "(") != strings.Count(tg.Expr, ")") {
				t.Errorf("panel %q: unbalanced parentheses in %q", title, tg.Expr)
			}
		}
	}
}

// dashboardQueries returns every query of the dashboard with Grafana's variables replaced
// by values Prometheus accepts, for running them against a real Prometheus.
func dashboardQueries(t *testing.T) map[string]string {
	t.Helper()
	r := strings.NewReplacer("$__rate_interval", "1m", "$job", ".+")
	out := map[string]string{}
	for title, p := range loadDashboard(t) {
		for i, tg := range p.Targets {
			out[title+"#"+string(rune('A'+i))] = r.Replace(tg.Expr)
		}
	}
	return out
}
