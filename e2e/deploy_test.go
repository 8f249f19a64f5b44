package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// The shipped deployment artefacts under deploy/ are checked here. The
// Kubernetes manifests are decoded into the k8s.io/api types as strictly as
// `kubectl apply --validate=strict` would (k8s_test.go); beyond that, the
// checks cover what kubectl would not catch: that the pieces point at each
// other (probes at the health_check port, the catalog mount at
// catalogs.files, the HPA at the Deployment, the Service at the pods) and that
// the collector configs inside them pass the distribution's own `validate`.

// deployPath returns a path under the repository's deploy/ directory.
func deployPath(t *testing.T, elem ...string) string {
	t.Helper()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatalf("repository root: %v", err)
	}
	return filepath.Join(append([]string{root, "deploy"}, elem...)...)
}

// --- Kubernetes objects ---

// k8sManifests is every object under deploy/kubernetes, by kind, decoded
// strictly into the k8s.io/api types (see k8s_test.go).
type k8sManifests struct {
	files       []string // resource files, relative to the directory
	kustomize   []string // kustomization.yaml's resources
	configMaps  map[string]corev1.ConfigMap
	deployments []appsv1.Deployment
	services    []corev1.Service
	hpas        []autoscalingv2.HorizontalPodAutoscaler
	pdbs        []policyv1.PodDisruptionBudget
	kinds       map[string]int
}

func loadK8sManifests(t *testing.T) *k8sManifests {
	t.Helper()
	dir := deployPath(t, "kubernetes")
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no manifests in %s (%v)", dir, err)
	}
	m := &k8sManifests{configMaps: map[string]corev1.ConfigMap{}, kinds: map[string]int{}}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(p)
		if base == "kustomization.yaml" {
			k, err := decodeKustomization(data)
			if err != nil {
				t.Fatalf("%s: %v", base, err)
			}
			m.kustomize = k.Resources
			continue
		}
		m.files = append(m.files, base)
		objs, err := decodeK8sManifest(data)
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		for i, o := range objs {
			meta, ok := o.obj.(metav1.Object)
			if !ok || meta.GetName() == "" {
				t.Fatalf("%s document %d: %s: metadata.name is required", base, i, o.gvk)
			}
			m.kinds[o.gvk.Kind]++
			switch obj := o.obj.(type) {
			case *corev1.ConfigMap:
				m.configMaps[obj.Name] = *obj
			case *appsv1.Deployment:
				m.deployments = append(m.deployments, *obj)
			case *corev1.Service:
				m.services = append(m.services, *obj)
			case *autoscalingv2.HorizontalPodAutoscaler:
				m.hpas = append(m.hpas, *obj)
			case *policyv1.PodDisruptionBudget:
				m.pdbs = append(m.pdbs, *obj)
			}
		}
	}
	return m
}

// gateway returns the one Deployment and its collector container.
func (m *k8sManifests) gateway(t *testing.T) (*appsv1.Deployment, *corev1.Container) {
	t.Helper()
	if len(m.deployments) != 1 {
		t.Fatalf("want one Deployment, got %d", len(m.deployments))
	}
	d := &m.deployments[0]
	if n := len(d.Spec.Template.Spec.Containers); n != 1 {
		t.Fatalf("Deployment %s: want one container, got %d", d.Name, n)
	}
	return d, &d.Spec.Template.Spec.Containers[0]
}

// mount returns where the container mounts a ConfigMap volume, and the ConfigMap.
func (m *k8sManifests) mount(t *testing.T, d *appsv1.Deployment, c *corev1.Container, volume string) (mountPath, subPath string, cm corev1.ConfigMap) {
	t.Helper()
	i := slices.IndexFunc(c.VolumeMounts, func(v corev1.VolumeMount) bool { return v.Name == volume })
	if i < 0 {
		t.Fatalf("container %s mounts no volume %q", c.Name, volume)
	}
	vm := c.VolumeMounts[i]
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.Name != volume {
			continue
		}
		if v.ConfigMap == nil {
			t.Fatalf("volume %q is not a ConfigMap volume", volume)
		}
		cm, ok := m.configMaps[v.ConfigMap.Name]
		if !ok {
			t.Fatalf("volume %q names ConfigMap %q, which no manifest defines", volume, v.ConfigMap.Name)
		}
		return vm.MountPath, vm.SubPath, cm
	}
	t.Fatalf("Deployment %s has no volume %q", d.Name, volume)
	return "", "", corev1.ConfigMap{}
}

// resolvePort turns a probe's or Service's port reference into a port of
// container c.
func resolvePort(t *testing.T, c *corev1.Container, p intstr.IntOrString) int {
	t.Helper()
	if p.Type == intstr.Int {
		return p.IntValue()
	}
	i := slices.IndexFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.Name == p.StrVal })
	if i < 0 {
		t.Fatalf("port %q is not a named port of container %s", p.StrVal, c.Name)
	}
	return int(c.Ports[i].ContainerPort)
}

// selects reports whether a label selector selects pods with the labels,
// as the controllers evaluate it (a nil selector selects nothing).
func selects(t *testing.T, sel *metav1.LabelSelector, podLabels map[string]string) bool {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Fatalf("selector %s: %v", metav1.FormatLabelSelector(sel), err)
	}
	return s.Matches(labels.Set(podLabels))
}

// --- collector configuration ---

// collectorConfig is an otelcol configuration, the parts the checks read.
type collectorConfig struct {
	Extensions map[string]map[string]any `yaml:"extensions"`
	Receivers  map[string]map[string]any `yaml:"receivers"`
	Processors map[string]map[string]any `yaml:"processors"`
	Connectors map[string]map[string]any `yaml:"connectors"`
	Exporters  map[string]map[string]any `yaml:"exporters"`
	Service    struct {
		Extensions []string `yaml:"extensions"`
		Pipelines  map[string]struct {
			Receivers  []string `yaml:"receivers"`
			Processors []string `yaml:"processors"`
			Exporters  []string `yaml:"exporters"`
		} `yaml:"pipelines"`
	} `yaml:"service"`
}

func parseCollectorConfig(t *testing.T, name string, data []byte) *collectorConfig {
	t.Helper()
	var c collectorConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &c
}

// lookup walks nested maps by key.
func lookup(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// endpointPort returns the port of a host:port endpoint, whose host may be an
// ${env:...} reference.
func endpointPort(t *testing.T, what string, v any) int {
	t.Helper()
	s, _ := v.(string)
	i := strings.LastIndex(s, ":")
	if i < 0 {
		t.Fatalf("%s: endpoint %q has no port", what, s)
	}
	p, err := strconv.Atoi(s[i+1:])
	if err != nil {
		t.Fatalf("%s: endpoint %q: port: %v", what, s, err)
	}
	return p
}

var envRef = regexp.MustCompile(`\$\{env:([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}`)

// spanMetricsDimensions returns the span_metrics connector's calls
// dimensions and the Prometheus name of its calls counter, as the
// prometheus_remote_write exporter writes it.
func spanMetricsDimensions(t *testing.T, name string, c *collectorConfig) (dims []string, counter string) {
	t.Helper()
	sm, ok := c.Connectors["span_metrics"]
	if !ok {
		t.Fatalf("%s: no span_metrics connector", name)
	}
	for _, d := range lookup(sm, "calls_dimensions").([]any) {
		dims = append(dims, d.(map[string]any)["name"].(string))
	}
	ns, _ := sm["namespace"].(string)
	if ns == "" {
		t.Fatalf("%s: span_metrics.namespace must be set explicitly: dashboards and rules depend on the metric name", name)
	}
	if got := lookup(c.Exporters["prometheus_remote_write"], "translation_strategy"); got != "UnderscoreEscapingWithSuffixes" {
		t.Fatalf("%s: prometheus_remote_write.translation_strategy = %v, want UnderscoreEscapingWithSuffixes: dashboards and rules depend on the names", name, got)
	}
	return dims, strings.ReplaceAll(ns, ".", "_") + "_calls_total"
}

// validateConfig runs the distribution's `validate` on a configuration file.
func validateConfig(t *testing.T, config string, env ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, otelcolBinary, "validate", "--config", config)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// --- the tests ---

func TestDeployKubernetesManifests(t *testing.T) {
	m := loadK8sManifests(t)

	t.Run("kustomization lists every manifest", func(t *testing.T) {
		slices.Sort(m.files)
		got := slices.Clone(m.kustomize)
		slices.Sort(got)
		if !slices.Equal(got, m.files) {
			t.Errorf("kustomization.yaml resources = %v, files = %v", got, m.files)
		}
		for _, kind := range []string{"Deployment", "Service", "HorizontalPodAutoscaler", "ConfigMap", "PodDisruptionBudget"} {
			if m.kinds[kind] == 0 {
				t.Errorf("no %s among the manifests", kind)
			}
		}
	})

	d, c := m.gateway(t)
	podLabels := d.Spec.Template.Labels

	configPath, configSub, configCM := m.mount(t, d, c, "config")
	if configSub == "" {
		t.Fatalf("the config volume must mount one key with subPath")
	}
	configText, ok := configCM.Data[configSub]
	if !ok {
		t.Fatalf("ConfigMap %s has no key %q", configCM.Name, configSub)
	}
	cfg := parseCollectorConfig(t, configCM.Name, []byte(configText))

	t.Run("the container runs the mounted config", func(t *testing.T) {
		if !slices.Contains(c.Args, "--config="+configPath) {
			t.Errorf("args %v do not pass --config=%s", c.Args, configPath)
		}
	})

	t.Run("selectors match the pods", func(t *testing.T) {
		if d.Spec.Selector == nil || len(d.Spec.Selector.MatchLabels) == 0 || !selects(t, d.Spec.Selector, podLabels) {
			t.Errorf("Deployment selector %s does not select its pods %v", metav1.FormatLabelSelector(d.Spec.Selector), podLabels)
		}
		for _, s := range m.services {
			if len(s.Spec.Selector) == 0 || !labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(podLabels)) {
				t.Errorf("Service %s selector %v does not select the pods %v", s.Name, s.Spec.Selector, podLabels)
			}
		}
		for _, b := range m.pdbs {
			if !selects(t, b.Spec.Selector, podLabels) {
				t.Errorf("PodDisruptionBudget %s selector %s does not select the pods %v", b.Name, metav1.FormatLabelSelector(b.Spec.Selector), podLabels)
			}
		}
	})

	t.Run("probes hit health_check", func(t *testing.T) {
		hc, ok := cfg.Extensions["health_check"]
		if !ok || !slices.Contains(cfg.Service.Extensions, "health_check") {
			t.Fatalf("the collector config does not enable the health_check extension")
		}
		port := endpointPort(t, "health_check", hc["endpoint"])
		path := "/"
		if p, ok := hc["path"].(string); ok {
			path = p
		}
		probes := map[string]*corev1.Probe{"startupProbe": c.StartupProbe, "readinessProbe": c.ReadinessProbe, "livenessProbe": c.LivenessProbe}
		for name, p := range probes {
			if name == "startupProbe" && p == nil {
				continue
			}
			if p == nil || p.HTTPGet == nil {
				t.Errorf("%s: want an httpGet probe", name)
				continue
			}
			if got := resolvePort(t, c, p.HTTPGet.Port); got != port {
				t.Errorf("%s: port %d, health_check listens on %d", name, got, port)
			}
			if p.HTTPGet.Path != path {
				t.Errorf("%s: path %q, health_check serves %q", name, p.HTTPGet.Path, path)
			}
		}
	})

	t.Run("Services reach the OTLP receiver", func(t *testing.T) {
		grpcPort := endpointPort(t, "otlp grpc", lookup(cfg.Receivers["otlp"], "protocols", "grpc", "endpoint"))
		httpPort := endpointPort(t, "otlp http", lookup(cfg.Receivers["otlp"], "protocols", "http", "endpoint"))
		for _, s := range m.services {
			var targets []int
			for _, p := range s.Spec.Ports {
				targets = append(targets, resolvePort(t, c, p.TargetPort))
			}
			if !slices.Contains(targets, grpcPort) || !slices.Contains(targets, httpPort) {
				t.Errorf("Service %s targets ports %v; the receiver listens on %d (gRPC) and %d (HTTP)", s.Name, targets, grpcPort, httpPort)
			}
		}
	})

	t.Run("HPA scales the Deployment on CPU", func(t *testing.T) {
		if len(m.hpas) != 1 {
			t.Fatalf("want one HorizontalPodAutoscaler, got %d", len(m.hpas))
		}
		h := m.hpas[0]
		ref := h.Spec.ScaleTargetRef
		if ref.APIVersion != "apps/v1" || ref.Kind != "Deployment" || ref.Name != d.Name {
			t.Errorf("scaleTargetRef %+v, want apps/v1 Deployment %s", ref, d.Name)
		}
		if h.Namespace != d.Namespace {
			t.Errorf("HPA in namespace %q, Deployment in %q", h.Namespace, d.Namespace)
		}
		minReplicas := int32(1) // the API's default
		if h.Spec.MinReplicas != nil {
			minReplicas = *h.Spec.MinReplicas
		}
		if minReplicas < 2 || h.Spec.MaxReplicas < minReplicas {
			t.Errorf("replicas %d..%d: want at least 2, and max >= min", minReplicas, h.Spec.MaxReplicas)
		}
		if !slices.ContainsFunc(h.Spec.Metrics, func(m autoscalingv2.MetricSpec) bool {
			return m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil && m.Resource.Name == corev1.ResourceCPU
		}) {
			t.Errorf("the HPA does not scale on CPU")
		}
		// Utilization is a share of the request: without one the HPA has nothing to compute.
		if _, ok := c.Resources.Requests[corev1.ResourceCPU]; !ok {
			t.Errorf("container %s has no CPU request for the HPA's utilization target", c.Name)
		}
		if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
			t.Errorf("container %s has no memory limit for the memory_limiter to work from", c.Name)
		}
	})

	t.Run("catalogs are mounted where catalogs.files points, and reloaded", func(t *testing.T) {
		dir, sub, cm := m.mount(t, d, c, "catalogs")
		if sub != "" {
			t.Errorf("the catalogs volume is mounted with subPath %q: the kubelet never updates subPath mounts, so edits would not reach the collector", sub)
		}
		ec := cfg.Processors["errorcatalog"]
		files, _ := lookup(ec, "catalogs", "files").([]any)
		if len(files) == 0 {
			t.Fatalf("errorcatalog.catalogs.files is empty")
		}
		listed := map[string]bool{}
		for _, f := range files {
			p, _ := f.(string)
			key, ok := strings.CutPrefix(p, dir+"/")
			if !ok || strings.Contains(key, "/") {
				t.Errorf("catalogs.files entry %q is not a file directly under the mount %s", p, dir)
				continue
			}
			if _, ok := cm.Data[key]; !ok {
				t.Errorf("catalogs.files entry %q: ConfigMap %s has no key %q", p, cm.Name, key)
			}
			listed[key] = true
		}
		for key := range cm.Data {
			if !listed[key] {
				t.Errorf("ConfigMap %s key %q is mounted but not listed in catalogs.files, so it is never loaded", cm.Name, key)
			}
		}
		ri, _ := lookup(ec, "catalogs", "reload_interval").(string)
		if dur, err := time.ParseDuration(ri); err != nil || dur <= 0 {
			t.Errorf("catalogs.reload_interval = %q: want a positive duration so ConfigMap edits are picked up", ri)
		}
	})

	t.Run("every pipeline starts with memory_limiter and batches after enrichment", func(t *testing.T) {
		checkPipelines(t, configCM.Name, cfg)
	})

	t.Run("every env reference is set", func(t *testing.T) {
		defined := map[string]bool{}
		for _, e := range c.Env {
			defined[e.Name] = true
		}
		for _, ref := range envRef.FindAllStringSubmatch(configText, -1) {
			if ref[2] == "" && !defined[ref[1]] {
				t.Errorf("the collector config reads ${env:%s}, which the container does not set", ref[1])
			}
		}
	})

	t.Run("validate accepts the config and its catalogs", func(t *testing.T) {
		dir, _, cm := m.mount(t, d, c, "catalogs")
		tmp := t.TempDir()
		for key, text := range cm.Data {
			if err := os.WriteFile(filepath.Join(tmp, key), []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		// The same config, with the mount directory replaced by the files'
		// local copy.
		local := strings.ReplaceAll(configText, dir+"/", tmp+"/")
		configFile := filepath.Join(tmp, "config.yaml")
		if err := os.WriteFile(configFile, []byte(local), 0o600); err != nil {
			t.Fatal(err)
		}
		env := podEnv(c)
		if out, err := validateConfig(t, configFile, env...); err != nil {
			t.Fatalf("validate %s (from ConfigMap %s): %v\n%s", configFile, configCM.Name, err, out)
		}

		// The check has teeth: a catalog the processor rejects fails it, and
		// the message names the file.
		var broken string
		for key := range cm.Data {
			broken = key
			break
		}
		bad := strings.Replace(cm.Data[broken], "category: ", "category: not_a_category_", 1)
		if err := os.WriteFile(filepath.Join(tmp, broken), []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := validateConfig(t, configFile, env...)
		if err == nil {
			t.Fatalf("validate accepted %s with an unknown category:\n%s", broken, out)
		}
		if !strings.Contains(out, broken) {
			t.Errorf("validate's error does not name the catalog file %s:\n%s", broken, out)
		}
	})
}

// podEnv is the container's environment as the pod would see it, with the pod
// IP on loopback.
func podEnv(c *corev1.Container) []string {
	var env []string
	for _, e := range c.Env {
		switch {
		case e.ValueFrom != nil && e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == "status.podIP":
			env = append(env, e.Name+"=127.0.0.1")
		case e.ValueFrom == nil:
			env = append(env, e.Name+"="+e.Value)
		}
	}
	return env
}

// checkPipelines: memory_limiter first (it must refuse data before anything
// holds it), errorcatalog in every pipeline, batch after errorcatalog. A
// pipeline whose receivers are all connectors (metrics/errors, fed by
// errormetrics) counts records that already passed memory_limiter and
// errorcatalog upstream: it must batch, nothing more.
func checkPipelines(t *testing.T, name string, cfg *collectorConfig) {
	t.Helper()
	if len(cfg.Service.Pipelines) == 0 {
		t.Fatalf("%s: no pipelines", name)
	}
	for id, p := range cfg.Service.Pipelines {
		if len(p.Receivers) > 0 && !slices.ContainsFunc(p.Receivers, func(r string) bool { _, ok := cfg.Connectors[r]; return !ok }) {
			if !slices.Contains(p.Processors, "batch") {
				t.Errorf("%s: pipeline %s (fed by connectors %v) processors %v: want batch", name, id, p.Receivers, p.Processors)
			}
			continue
		}
		if len(p.Processors) == 0 || p.Processors[0] != "memory_limiter" {
			t.Errorf("%s: pipeline %s processors %v: memory_limiter must come first", name, id, p.Processors)
		}
		ec, b := slices.Index(p.Processors, "errorcatalog"), slices.Index(p.Processors, "batch")
		if ec < 0 || b < ec {
			t.Errorf("%s: pipeline %s processors %v: want errorcatalog, then batch", name, id, p.Processors)
		}
	}
}

// TestDeployCollectorConfigs validates the shipped collector configs with the
// distribution and checks the spanmetrics ones produce the names the rules
// and the dashboard read.
func TestDeployCollectorConfigs(t *testing.T) {
	for _, name := range []string{"spanmetrics.yaml", "errors.yaml", "container.yaml"} {
		t.Run(name, func(t *testing.T) {
			path := deployPath(t, "collector", name)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkPipelines(t, name, parseCollectorConfig(t, name, data))
			if out, err := validateConfig(t, path); err != nil {
				t.Fatalf("validate %s: %v\n%s", path, err, out)
			}
		})
	}
}

// errorMetricsCounter checks a config wires the errormetrics connector from
// its traces and logs pipelines to prometheus_remote_write, and returns the
// Prometheus name of its counter.
func errorMetricsCounter(t *testing.T, name string, c *collectorConfig) string {
	t.Helper()
	if _, ok := c.Connectors["errormetrics"]; !ok {
		t.Fatalf("%s: no errormetrics connector", name)
	}
	fed := map[string]bool{}
	exported := false
	for id, p := range c.Service.Pipelines {
		kind, _, _ := strings.Cut(id, "/")
		if slices.Contains(p.Exporters, "errormetrics") {
			fed[kind] = true
		}
		if kind == "metrics" && slices.Contains(p.Receivers, "errormetrics") && slices.Contains(p.Exporters, "prometheus_remote_write") {
			exported = true
		}
	}
	if !fed["traces"] || !fed["logs"] {
		t.Errorf("%s: errormetrics is fed by %v, want traces and logs", name, slices.Sorted(maps.Keys(fed)))
	}
	if !exported {
		t.Errorf("%s: no metrics pipeline takes errormetrics to prometheus_remote_write", name)
	}
	return "errorcatalog_errors_total" // errorcatalog.errors, counter: _total
}

// errorMetricsLabels are the labels of errorcatalog_errors_total: job and
// instance from the resource, the connector's dimensions.
var errorMetricsLabels = []string{"job", "instance", "signal", "vendor", "category", "class", "severity", "name", "retryable"}

// TestDeployNamesAgree ties the Prometheus rules and the Grafana dashboard to
// the collector configs that feed them (deploy/collector/errors.yaml and the
// gateway's ConfigMap): every error_catalog_* label they read is a
// calls dimension of span_metrics, every label matcher on
// errorcatalog_errors_total one of its labels, and every metric they read
// one of the two counters those configs write. spanmetrics.yaml's
// span_metrics must agree with theirs.
func TestDeployNamesAgree(t *testing.T) {
	type source struct {
		name string
		cfg  *collectorConfig
	}
	read := func(file string) *collectorConfig {
		data, err := os.ReadFile(deployPath(t, "collector", file))
		if err != nil {
			t.Fatal(err)
		}
		return parseCollectorConfig(t, file, data)
	}
	spanOnly := source{"deploy/collector/spanmetrics.yaml", read("spanmetrics.yaml")}
	sources := []source{{"deploy/collector/errors.yaml", read("errors.yaml")}}
	m := loadK8sManifests(t)
	_, c := m.gateway(t)
	d := &m.deployments[0]
	_, sub, cm := m.mount(t, d, c, "config")
	sources = append(sources, source{"ConfigMap " + cm.Name, parseCollectorConfig(t, cm.Name, []byte(cm.Data[sub]))})

	// PromQL to check for metric names; PromQL and annotation templates to
	// check for labels.
	var exprs, templates []string
	for _, e := range dashboardExprs(t) {
		exprs = append(exprs, e.expr)
	}
	for _, r := range loadRules(t, deployPath(t, "prometheus", "errorcatalog-rules.yaml")) {
		exprs = append(exprs, r.Expr)
		for _, a := range r.Annotations {
			templates = append(templates, a)
		}
	}
	labelRef := regexp.MustCompile(`\berror_catalog_[a-z_]+\b`)
	errSelector := regexp.MustCompile(`\berrorcatalog_errors_total\{([^}]*)\}`)
	matcher := regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)`)

	first, _ := spanMetricsDimensions(t, spanOnly.name, spanOnly.cfg)
	for _, s := range sources {
		dims, counter := spanMetricsDimensions(t, s.name, s.cfg)
		if !slices.Equal(dims, first) {
			t.Errorf("%s calls_dimensions %v differ from %s's %v", s.name, dims, spanOnly.name, first)
		}
		errCounter := errorMetricsCounter(t, s.name, s.cfg)
		for _, text := range append(slices.Clone(exprs), templates...) {
			for _, l := range labelRef.FindAllString(text, -1) {
				dim := "error.catalog." + strings.TrimPrefix(l, "error_catalog_")
				if !slices.Contains(dims, dim) {
					t.Errorf("label %s is read by a rule or panel, but %s has no calls dimension %s", l, s.name, dim)
				}
			}
		}
		for _, text := range exprs {
			for _, metric := range metricNames(text) {
				if metric != counter && metric != errCounter {
					t.Errorf("%s reads metric %s; %s writes %s and %s", abbreviate(text), metric, s.name, counter, errCounter)
				}
			}
			for _, sel := range errSelector.FindAllStringSubmatch(text, -1) {
				for _, l := range matcher.FindAllStringSubmatch(sel[1], -1) {
					if !slices.Contains(errorMetricsLabels, l[1]) {
						t.Errorf("%s matches label %s, which %s does not have (it has %v)", abbreviate(text), l[1], errCounter, errorMetricsLabels)
					}
				}
			}
		}
	}
}

// promRule is one rule of a Prometheus rule file.
type promRule struct {
	Record      string            `yaml:"record"`
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// loadRules returns every rule of a Prometheus rule file.
func loadRules(t *testing.T, path string) []promRule {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []struct {
			Name  string     `yaml:"name"`
			Rules []promRule `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var rules []promRule
	for _, g := range f.Groups {
		rules = append(rules, g.Rules...)
	}
	if len(rules) == 0 {
		t.Fatalf("%s: no rules", path)
	}
	return rules
}

// metricNames returns the metric names selected in PromQL text: identifiers
// directly followed by a label matcher. Recording rule names (with a colon)
// are the rules' own output and not counted.
func metricNames(text string) []string {
	var names []string
	for _, m := range regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_:]*)\{`).FindAllStringSubmatch(text, -1) {
		if !strings.Contains(m[1], ":") {
			names = append(names, m[1])
		}
	}
	return names
}

func abbreviate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// dashboardQuery is one PromQL expression of the Grafana dashboard: a panel
// target or a template variable's label_values() query.
type dashboardQuery struct {
	where string
	expr  string
}

// dashboardExprs returns every query in the Grafana dashboard and checks the
// panels use the dashboard's data source variable.
func dashboardExprs(t *testing.T) []dashboardQuery {
	t.Helper()
	data, err := os.ReadFile(deployPath(t, "grafana", "errorcatalog-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title      string `json:"title"`
			Type       string `json:"type"`
			Datasource *struct {
				UID string `json:"uid"`
			} `json:"datasource"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Name       string `json:"name"`
				Type       string `json:"type"`
				Definition string `json:"definition"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("errorcatalog-dashboard.json: %v", err)
	}
	if dash.UID == "" {
		t.Errorf("errorcatalog-dashboard.json has no uid")
	}
	var qs []dashboardQuery
	for _, p := range dash.Panels {
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q does not use the ${datasource} variable", p.Title)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			qs = append(qs, dashboardQuery{where: "panel " + strconv.Quote(p.Title), expr: tg.Expr})
		}
	}
	for _, v := range dash.Templating.List {
		if v.Type == "query" {
			qs = append(qs, dashboardQuery{where: "variable " + v.Name, expr: v.Definition})
		}
	}
	return qs
}

// TestDeployDockerfile checks the Dockerfile builds what builder-config.yaml
// describes, with the ocb version the collector modules are pinned to.
func TestDeployDockerfile(t *testing.T) {
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dockerfile, err := os.ReadFile(filepath.Join(root, "deploy", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	bc, err := os.ReadFile(filepath.Join(root, "builder-config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var builder struct {
		Dist struct {
			Name       string `yaml:"name"`
			OutputPath string `yaml:"output_path"`
		} `yaml:"dist"`
		Receivers []struct {
			GoMod string `yaml:"gomod"`
		} `yaml:"receivers"`
	}
	if err := yaml.Unmarshal(bc, &builder); err != nil {
		t.Fatalf("builder-config.yaml: %v", err)
	}
	// The core otlp receiver moves in lockstep with ocb.
	var core string
	for _, r := range builder.Receivers {
		if mod, ver, ok := strings.Cut(r.GoMod, " "); ok && mod == "go.opentelemetry.io/collector/receiver/otlpreceiver" {
			core = strings.TrimPrefix(ver, "v")
		}
	}
	if core == "" {
		t.Fatalf("builder-config.yaml has no core otlpreceiver to read the collector version from")
	}
	text := string(dockerfile)
	if !strings.Contains(text, "ARG OCB_VERSION="+core+"\n") {
		t.Errorf("deploy/Dockerfile does not pin ARG OCB_VERSION=%s, the collector version of builder-config.yaml", core)
	}
	binary := filepath.ToSlash(filepath.Join("/src", builder.Dist.OutputPath, builder.Dist.Name))
	if !strings.Contains(text, "COPY --from=build "+binary+" ") {
		t.Errorf("deploy/Dockerfile does not copy the built binary %s", binary)
	}
	for _, m := range regexp.MustCompile(`(?m)^COPY (?:--chmod=\S+ )?(deploy/\S+) `).FindAllStringSubmatch(text, -1) {
		if _, err := os.Stat(filepath.Join(root, m[1])); err != nil {
			t.Errorf("deploy/Dockerfile copies %s: %v", m[1], err)
		}
	}
}

// TestDeployKubernetesCatalogReload runs the gateway's collector config with
// its catalogs laid out the way the kubelet mounts a ConfigMap (each key a
// symlink through ..data to a timestamped directory, an update swapping
// ..data in one rename), and checks that an edit reaches the enrichment
// without a restart and that a broken edit keeps the last good catalog.
func TestDeployKubernetesCatalogReload(t *testing.T) {
	m := loadK8sManifests(t)
	d, c := m.gateway(t)
	_, configSub, configCM := m.mount(t, d, c, "config")
	mountDir, _, catalogs := m.mount(t, d, c, "catalogs")

	const key = "overrides.yaml"
	original, ok := catalogs.Data[key]
	if !ok {
		t.Fatalf("test premise: ConfigMap %s has a key %s", catalogs.Name, key)
	}
	// The edit a user would apply: the overridden entry renamed and raised.
	edited := strings.NewReplacer("name: Automation Inactive", "name: Automation Switched Off",
		"severity: error", "severity: critical").Replace(original)
	if edited == original || !strings.Contains(edited, "Automation Switched Off") || !strings.Contains(edited, "severity: critical") {
		t.Fatalf("test premise: %s overrides zingle 3006 as \"Automation Inactive\", severity error", key)
	}

	dir := filepath.Join(t.TempDir(), "catalogs")
	kubelet := newConfigMapVolume(t, dir, catalogs.Data)

	ep := harness.NewEndpoints(t, "")
	ports := map[string]string{
		"${env:MY_POD_IP}:4317":  ep.OTLPGRPC,
		"${env:MY_POD_IP}:4318":  ep.OTLPHTTP,
		"${env:MY_POD_IP}:13133": ep.Health,
		"port: 8888":             "port: " + strconv.Itoa(ep.MetricsPort),
		mountDir + "/":           dir + "/",
		// The mechanism is under test, not the interval (checked above):
		// poll each second instead of every 30.
		"reload_interval: 30s": "reload_interval: 1s",
	}
	config := configCM.Data[configSub]
	for from, to := range ports {
		if !strings.Contains(config, from) {
			t.Fatalf("test premise: the gateway config contains %q", from)
		}
		config = strings.ReplaceAll(config, from, to)
	}
	configFile := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	sink := harness.StartSink(t)
	remoteWrite := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(remoteWrite.Close)
	harness.StartCollector(t, otelcolBinary, configFile, ep,
		"MY_POD_IP=127.0.0.1",
		"OTLP_BACKEND_ENDPOINT="+sink.Addr,
		"OTLP_BACKEND_INSECURE=true",
		"PROM_REMOTE_WRITE_ENDPOINT="+remoteWrite.URL+"/api/v1/write",
	)
	sdk, err := harness.NewSDK(context.Background(), ep.OTLPGRPC, harness.Traces, attribute.String("service.name", "reload"))
	if err != nil {
		t.Fatalf("OpenTelemetry SDK: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = sdk.Shutdown(ctx)
	})
	tracer := sdk.TracerProvider.Tracer("e2e-reload")

	// expect sends a zingle 3006 span named after the phase until one
	// arrives enriched with the wanted name and severity.
	seq := 0
	expect := func(phase, name, severity string, timeout time.Duration) {
		t.Helper()
		var got map[string]any
		harness.Eventually(t, timeout, func() bool {
			seq++
			spanName := fmt.Sprintf("%s-%d", phase, seq)
			_, span := tracer.Start(context.Background(), spanName, trace.WithAttributes(
				attribute.String("error.vendor", "zingle"), attribute.Int64("error.code", 3006)))
			span.End()
			time.Sleep(100 * time.Millisecond)
			got = lastSpanAttrs(sink, phase+"-")
			return got != nil && got[prefix+"name"] == name && got[prefix+"severity"] == severity
		}, func() string {
			return fmt.Sprintf("%s: want name %q severity %q, last span had %v", phase, name, severity, got)
		})
	}

	expect("initial", "Automation Inactive", "error", 30*time.Second)

	kubelet.update(map[string]string{key: edited})
	expect("edited", "Automation Switched Off", "critical", 30*time.Second)

	// A broken edit: the last good catalog stays in use.
	kubelet.update(map[string]string{key: strings.Replace(edited, "category: precondition", "category: not_a_category", 1)})
	time.Sleep(3 * time.Second) // three reload intervals
	expect("broken", "Automation Switched Off", "critical", 10*time.Second)
}

// configMapVolume imitates the kubelet's ConfigMap volume: files are
// symlinks through ..data, which points at the current version's directory,
// and an update writes a new directory and swaps ..data in one rename.
type configMapVolume struct {
	t       *testing.T
	dir     string
	data    map[string]string
	version int
}

func newConfigMapVolume(t *testing.T, dir string, data map[string]string) *configMapVolume {
	t.Helper()
	v := &configMapVolume{t: t, dir: dir, data: maps.Clone(data)}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	v.write()
	for key := range data {
		if err := os.Symlink(filepath.Join("..data", key), filepath.Join(dir, key)); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

func (v *configMapVolume) update(changes map[string]string) {
	v.t.Helper()
	maps.Copy(v.data, changes)
	v.write()
}

func (v *configMapVolume) write() {
	v.t.Helper()
	v.version++
	version := fmt.Sprintf("..v%d", v.version)
	if err := os.Mkdir(filepath.Join(v.dir, version), 0o755); err != nil {
		v.t.Fatal(err)
	}
	for key, text := range v.data {
		if err := os.WriteFile(filepath.Join(v.dir, version, key), []byte(text), 0o644); err != nil {
			v.t.Fatal(err)
		}
	}
	tmp := filepath.Join(v.dir, "..data_tmp")
	if err := os.Symlink(version, tmp); err != nil {
		v.t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(v.dir, "..data")); err != nil {
		v.t.Fatal(err)
	}
}

// lastSpanAttrs returns the attributes of the last span the sink received
// whose name starts with namePrefix, or nil.
func lastSpanAttrs(sink *harness.Sink, namePrefix string) map[string]any {
	var last map[string]any
	for _, td := range sink.Traces() {
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, s := range ss.Spans().All() {
					if strings.HasPrefix(s.Name(), namePrefix) {
						last = s.Attributes().AsRaw()
					}
				}
			}
		}
	}
	return last
}
