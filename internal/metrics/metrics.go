// Package metrics defines the Prometheus series of SPEC §4 and the upstream series of
// issue 4, on a registry of its own so tests can build as many as they like.
//
// Every label value comes from a fixed set: method names from the tool catalog, network
// names from the configuration, error types from package errclass, and upstreams as
// scheme://host of configured URLs. Nothing a caller sends can create a series.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/solana-mcp/solana-mcp-server/internal/buildinfo"
	"github.com/solana-mcp/solana-mcp-server/internal/errclass"
)

// DurationBuckets are the deployment guide's buckets plus 30 s (SPEC §4).
var DurationBuckets = []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Metrics records tool calls and upstream requests. Its methods are safe for concurrent use.
type Metrics struct {
	registry *prometheus.Registry

	requests   *prometheus.CounterVec
	successful *prometheus.CounterVec
	failed     *prometheus.CounterVec
	duration   *prometheus.HistogramVec

	upstreamRequests *prometheus.CounterVec
	upstreamDuration *prometheus.HistogramVec
	upstreamUp       *prometheus.GaugeVec
}

// New builds the series and registers them, with the Go runtime, process and build-info
// collectors, on a fresh registry.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "solana_mcp_rpc_requests_total",
			Help: "Tool calls of Solana RPC methods, by method and network.",
		}, []string{"method", "network"}),
		successful: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "solana_mcp_rpc_requests_successful_total",
			Help: "Tool calls that returned the upstream result.",
		}, []string{"method", "network"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "solana_mcp_rpc_requests_failed_total",
			Help: "Tool calls that ended in a tool error, by error type.",
		}, []string{"method", "network", "error_type"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "solana_mcp_rpc_request_duration_seconds",
			Help:    "Time from tool call to answer, validation and retries included.",
			Buckets: DurationBuckets,
		}, []string{"method", "network"}),
		upstreamRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "solana_mcp_upstream_requests_total",
			Help: "HTTP requests sent to upstream RPC URLs, by outcome (ok or an error type).",
		}, []string{"network", "upstream", "outcome"}),
		upstreamDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "solana_mcp_upstream_request_duration_seconds",
			Help:    "Latency of single HTTP requests to upstream RPC URLs.",
			Buckets: DurationBuckets,
		}, []string{"network", "upstream"}),
		upstreamUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "solana_mcp_upstream_up",
			Help: "1 while an upstream URL is in use, 0 while its circuit breaker has set it aside.",
		}, []string{"network", "upstream"}),
	}

	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "solana_mcp_build_info",
		Help: "Build of the running binary; the value is always 1.",
		ConstLabels: prometheus.Labels{
			"version":   buildinfo.Version,
			"revision":  buildinfo.Commit,
			"goversion": buildinfo.GoVersion(),
		},
	})
	info.Set(1)

	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		info,
		m.requests, m.successful, m.failed, m.duration,
		m.upstreamRequests, m.upstreamDuration, m.upstreamUp,
	)
	return m
}

// Registry exposes the registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Handler serves the Prometheus text exposition of the registry.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Prime creates the zero-valued series of a method on a network, so that rates and
// ratios exist in Prometheus before the first call.
func (m *Metrics) Prime(method, network string) {
	m.requests.WithLabelValues(method, network)
	m.successful.WithLabelValues(method, network)
	m.duration.WithLabelValues(method, network)
}

// ToolCall records one finished tool call. class is empty on success.
func (m *Metrics) ToolCall(method, network string, class errclass.Class, took time.Duration) {
	m.requests.WithLabelValues(method, network).Inc()
	m.duration.WithLabelValues(method, network).Observe(took.Seconds())
	if class == "" {
		m.successful.WithLabelValues(method, network).Inc()
		return
	}
	m.failed.WithLabelValues(method, network, string(class)).Inc()
}

// ToolCallAbandoned records a tool call whose client went away before the answer: it
// counts in requests_total and the duration histogram, but neither as a success nor as
// a failure, so client impatience does not raise the error ratio.
func (m *Metrics) ToolCallAbandoned(method, network string, took time.Duration) {
	m.requests.WithLabelValues(method, network).Inc()
	m.duration.WithLabelValues(method, network).Observe(took.Seconds())
}

// UpstreamRequest records one HTTP request to an upstream URL; outcome is "ok" or an
// error class.
func (m *Metrics) UpstreamRequest(network, upstream, outcome string, took time.Duration) {
	m.upstreamRequests.WithLabelValues(network, upstream, outcome).Inc()
	m.upstreamDuration.WithLabelValues(network, upstream).Observe(took.Seconds())
}

// UpstreamUp records whether an upstream URL is in use.
func (m *Metrics) UpstreamUp(network, upstream string, up bool) {
	v := 0.0
	if up {
		v = 1
	}
	m.upstreamUp.WithLabelValues(network, upstream).Set(v)
}
