// Package deploy tests the deployment files of solana-mcp-server: the Dockerfile, the Compose
// and Swarm files, nginx.conf, the Kubernetes manifests, and the Prometheus and Grafana
// configuration. It is a module of its own so that its heavy test-only dependencies stay out
// of the server's go.mod.
//
// Static checks parse each file with the tool that reads it in production (compose-go,
// BuildKit's Dockerfile parser, nginx -t, promtool, the Kubernetes API types). The cluster
// test runs the real server binary as several replicas behind a real nginx and Prometheus on
// loopback, rolls and scales them under load, and checks that no call is lost.
//
// Run from this directory: go test ./... (add -short to skip the cluster test). External
// programs: nginx and prometheus/promtool; a test that needs a missing one is skipped, or
// fails when the CI environment variable is set.
//
// The cluster test builds the server from the repository; DEPLOY_TEST_SERVER_BIN names a
// binary to run instead. DEPLOY_TEST_DIR keeps the logs of every process it started (nginx,
// Prometheus, each replica) in that directory.
package deploy
