package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// k8sObjects holds the decoded manifests of k8s/.
type k8sObjects struct {
	deployments []appsv1.Deployment
	services    []corev1.Service
	hpas        []autoscalingv2.HorizontalPodAutoscaler
	pdbs        []policyv1.PodDisruptionBudget
	configMaps  map[string]corev1.ConfigMap // by file name
}

// kustomization is the part of a kustomization.yaml these tests read, decoded strictly.
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources"`
	Labels     []struct {
		Pairs map[string]string `json:"pairs"`
	} `json:"labels"`
}

// decodeK8s decodes every manifest in k8s/ strictly into its k8s.io/api type: an unknown or
// misplaced field fails, as `kubectl apply --validate=strict` would.
func decodeK8s(t *testing.T) k8sObjects {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "k8s")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s: %v", dir, err)
	}
	objs := k8sObjects{configMaps: map[string]corev1.ConfigMap{}}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			var tm metav1.TypeMeta
			if err := yaml.Unmarshal([]byte(doc), &tm); err != nil {
				t.Fatalf("%s #%d: %v", name, i, err)
			}
			var obj any
			switch tm.Kind {
			case "Deployment":
				objs.deployments = append(objs.deployments, appsv1.Deployment{})
				obj = &objs.deployments[len(objs.deployments)-1]
			case "Service":
				objs.services = append(objs.services, corev1.Service{})
				obj = &objs.services[len(objs.services)-1]
			case "HorizontalPodAutoscaler":
				objs.hpas = append(objs.hpas, autoscalingv2.HorizontalPodAutoscaler{})
				obj = &objs.hpas[len(objs.hpas)-1]
			case "PodDisruptionBudget":
				objs.pdbs = append(objs.pdbs, policyv1.PodDisruptionBudget{})
				obj = &objs.pdbs[len(objs.pdbs)-1]
			case "ConfigMap":
				obj = new(corev1.ConfigMap)
			case "Kustomization":
				obj = new(kustomization)
			default:
				t.Fatalf("%s #%d: unexpected kind %q", name, i, tm.Kind)
			}
			if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
				t.Fatalf("%s #%d (%s): %v", name, i, tm.Kind, err)
			}
			if cm, ok := obj.(*corev1.ConfigMap); ok {
				objs.configMaps[name] = *cm
			}
			if k, ok := obj.(*kustomization); ok {
				checkKustomization(t, dir, files, k)
			}
		}
	}
	return objs
}

// checkKustomization checks that kustomization.yaml lists every manifest but the adapter's
// configuration, which belongs in another namespace.
func checkKustomization(t *testing.T, dir string, files []string, k *kustomization) {
	t.Helper()
	for _, f := range files {
		name := filepath.Base(f)
		listed := slices.Contains(k.Resources, name)
		switch name {
		case "kustomization.yaml":
		case "prometheus-adapter-rules.yaml":
			if listed {
				t.Errorf("kustomization lists %s, which goes to the adapter's namespace", name)
			}
		default:
			if !listed {
				t.Errorf("kustomization does not list %s", name)
			}
		}
	}
	for _, r := range k.Resources {
		if _, err := os.Stat(filepath.Join(dir, r)); err != nil {
			t.Errorf("kustomization: %v", err)
		}
	}
}

func TestKubernetes(t *testing.T) {
	objs := decodeK8s(t)
	if len(objs.deployments) != 1 || len(objs.services) != 1 || len(objs.hpas) != 1 ||
		len(objs.pdbs) != 1 {
		t.Fatalf("want one Deployment, Service, HPA and PDB; got %d, %d, %d, %d",
			len(objs.deployments), len(objs.services), len(objs.hpas), len(objs.pdbs))
	}
	dep, svc, hpa, pdb := objs.deployments[0], objs.services[0], objs.hpas[0], objs.pdbs[0]
	podLabels := labels.Set(dep.Spec.Template.Labels)

	t.Run("deployment", func(t *testing.T) {
		sel, err := metav1.LabelSelectorAsSelector(dep.Spec.Selector)
		if err != nil || !sel.Matches(podLabels) {
			t.Fatalf("selector %v does not match the pod labels %v", dep.Spec.Selector, podLabels)
		}
		if ru := dep.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable == nil ||
			ru.MaxUnavailable.IntValue() != 0 {
			t.Error("rolling update may take pods away before new ones are ready " +
				"(want maxUnavailable 0)")
		}
		spec := dep.Spec.Template.Spec
		if len(spec.Containers) != 1 {
			t.Fatalf("want one container, got %d", len(spec.Containers))
		}
		c := spec.Containers[0]

		var hasHTTP bool
		for _, p := range c.Ports {
			hasHTTP = hasHTTP || (p.Name == "http" && p.ContainerPort == 8080)
		}
		if !hasHTTP {
			t.Error("no container port 8080 named http")
		}
		checkProbe(t, "liveness", c.LivenessProbe, "/health")
		checkProbe(t, "readiness", c.ReadinessProbe, "/ready")

		env := configEnv(t, objs, c)
		drain := envDuration(t, env, "SOLANA_MCP_DRAIN_DELAY", defaultDrainDelay)
		shutdown := envDuration(t, env, "SOLANA_MCP_SHUTDOWN_TIMEOUT", defaultShutdownTimeout)
		var preStop time.Duration
		if c.Lifecycle == nil || c.Lifecycle.PreStop == nil {
			t.Error("no preStop hook: SIGTERM may come before the endpoints drop the pod")
		} else if s := c.Lifecycle.PreStop.Sleep; s != nil {
			preStop = time.Duration(s.Seconds) * time.Second
		}
		need := preStop + drain + shutdown
		var grace time.Duration
		if g := spec.TerminationGracePeriodSeconds; g != nil {
			grace = time.Duration(*g) * time.Second
		}
		if grace <= need {
			t.Errorf("terminationGracePeriodSeconds %v does not exceed preStop %v + drain %v + "+
				"shutdown %v", grace, preStop, drain, shutdown)
		}

		wantRes := map[corev1.ResourceName][2]string{
			corev1.ResourceCPU:    {"250m", "500m"},
			corev1.ResourceMemory: {"512Mi", "1Gi"},
		}
		for name, want := range wantRes {
			if q := c.Resources.Requests[name]; q.Cmp(resource.MustParse(want[0])) != 0 {
				t.Errorf("request %s = %s, want %s", name, q.String(), want[0])
			}
			if q := c.Resources.Limits[name]; q.Cmp(resource.MustParse(want[1])) != 0 {
				t.Errorf("limit %s = %s, want %s", name, q.String(), want[1])
			}
		}

		nonRoot := spec.SecurityContext != nil && spec.SecurityContext.RunAsNonRoot != nil &&
			*spec.SecurityContext.RunAsNonRoot
		if !nonRoot {
			t.Error("pod does not require runAsNonRoot")
		}
	})

	t.Run("service", func(t *testing.T) {
		if !labels.SelectorFromSet(svc.Spec.Selector).Matches(podLabels) {
			t.Errorf("service selector %v does not match the pods %v", svc.Spec.Selector,
				podLabels)
		}
		if svc.Spec.SessionAffinity == corev1.ServiceAffinityClientIP {
			t.Error("session affinity set; the server is stateless")
		}
		if len(svc.Spec.Ports) == 0 || svc.Spec.Ports[0].TargetPort.String() != "http" {
			t.Errorf("service ports %v do not target the http port", svc.Spec.Ports)
		}
	})

	t.Run("hpa", func(t *testing.T) {
		ref := hpa.Spec.ScaleTargetRef
		if ref.Kind != "Deployment" || ref.Name != dep.Name {
			t.Errorf("HPA scales %s/%s, want Deployment/%s", ref.Kind, ref.Name, dep.Name)
		}
		if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 2 {
			t.Errorf("minReplicas %v: one pod leaves no room for a disruption",
				hpa.Spec.MinReplicas)
		}
		var cpu, mem bool
		var podsMetric string
		for _, m := range hpa.Spec.Metrics {
			switch m.Type {
			case autoscalingv2.ResourceMetricSourceType:
				cpu = cpu || m.Resource.Name == corev1.ResourceCPU
				mem = mem || m.Resource.Name == corev1.ResourceMemory
			case autoscalingv2.PodsMetricSourceType:
				podsMetric = m.Pods.Metric.Name
			}
		}
		if !cpu || !mem || podsMetric == "" {
			t.Errorf("HPA metrics: cpu %v, memory %v, per-pod %q; want all three", cpu, mem,
				podsMetric)
		}
		checkAdapterRule(t, objs.configMaps["prometheus-adapter-rules.yaml"], podsMetric)
	})

	t.Run("pdb", func(t *testing.T) {
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err != nil || !sel.Matches(podLabels) {
			t.Errorf("PDB selector %v does not match the pods", pdb.Spec.Selector)
		}
		if pdb.Spec.MaxUnavailable == nil && pdb.Spec.MinAvailable == nil {
			t.Error("PDB sets neither maxUnavailable nor minAvailable")
		}
		if m := pdb.Spec.MinAvailable; m != nil && hpa.Spec.MinReplicas != nil &&
			m.IntValue() >= int(*hpa.Spec.MinReplicas) {
			t.Errorf("minAvailable %v blocks every drain at %d replicas", m, *hpa.Spec.MinReplicas)
		}
	})
}

// TestStrictDecoding makes sure decodeK8s's decoder rejects what kubectl would: a field
// in the wrong place.
func TestStrictDecoding(t *testing.T) {
	doc := "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replica: 3\n"
	if err := yaml.UnmarshalStrict([]byte(doc), new(appsv1.Deployment)); err == nil {
		t.Fatal("a misspelt field decoded without error")
	}
}

// checkProbe checks that a probe GETs path on the http port.
func checkProbe(t *testing.T, kind string, p *corev1.Probe, path string) {
	t.Helper()
	if p == nil || p.HTTPGet == nil {
		t.Errorf("no HTTP %s probe", kind)
		return
	}
	if p.HTTPGet.Path != path || p.HTTPGet.Port.String() != "http" {
		t.Errorf("%s probe GETs %s on %s, want %s on http", kind, p.HTTPGet.Path,
			p.HTTPGet.Port.String(), path)
	}
}

// configEnv collects the container's environment from its env and its ConfigMaps.
func configEnv(t *testing.T, objs k8sObjects, c corev1.Container) map[string]*string {
	t.Helper()
	env := map[string]*string{}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef == nil {
			continue
		}
		found := false
		for _, cm := range objs.configMaps {
			if cm.Name == from.ConfigMapRef.Name {
				found = true
				for k, v := range cm.Data {
					env[k] = &v
				}
			}
		}
		if !found {
			t.Errorf("envFrom names ConfigMap %q, which k8s/ does not define",
				from.ConfigMapRef.Name)
		}
	}
	for _, e := range c.Env {
		env[e.Name] = &e.Value
	}
	return env
}

// adapterConfig is the Prometheus Adapter configuration format, decoded strictly.
type adapterConfig struct {
	Rules []struct {
		SeriesQuery   string `json:"seriesQuery"`
		SeriesFilters []any  `json:"seriesFilters,omitempty"`
		Resources     struct {
			Overrides map[string]struct {
				Resource string `json:"resource"`
			} `json:"overrides"`
		} `json:"resources"`
		Name struct {
			Matches string `json:"matches"`
			As      string `json:"as"`
		} `json:"name"`
		MetricsQuery string `json:"metricsQuery"`
	} `json:"rules"`
}

// checkAdapterRule checks that the adapter turns the request counter into the per-pod rate
// the HPA asks for.
func checkAdapterRule(t *testing.T, cm corev1.ConfigMap, metric string) {
	t.Helper()
	var cfg adapterConfig
	if err := yaml.UnmarshalStrict([]byte(cm.Data["config.yaml"]), &cfg); err != nil {
		t.Fatalf("adapter config.yaml: %v", err)
	}
	for _, r := range cfg.Rules {
		if r.Name.As != metric {
			continue
		}
		if !strings.HasPrefix(r.SeriesQuery, "solana_mcp_rpc_requests_total{") {
			t.Errorf("rule for %s reads %q", metric, r.SeriesQuery)
		}
		if !regexp.MustCompile(r.Name.Matches).MatchString("solana_mcp_rpc_requests_total") {
			t.Errorf("name.matches %q does not match the series", r.Name.Matches)
		}
		if r.Resources.Overrides["pod"].Resource != "pod" ||
			r.Resources.Overrides["namespace"].Resource != "namespace" {
			t.Errorf("rule does not map the pod and namespace labels: %+v", r.Resources)
		}
		for _, want := range []string{"rate(<<.Series>>{<<.LabelMatchers>>}", "by (<<.GroupBy>>)"} {
			if !strings.Contains(r.MetricsQuery, want) {
				t.Errorf("metricsQuery %q lacks %q (one rate per pod)", r.MetricsQuery, want)
			}
		}
		return
	}
	t.Errorf("no adapter rule publishes %s", metric)
}
