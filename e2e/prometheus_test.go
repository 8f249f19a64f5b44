package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.yaml.in/yaml/v3"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// The live end-to-end of what users build on the processor's output: the
// distribution runs deploy/collector/errors.yaml and remote-writes span
// metrics and the errormetrics counter to a real Prometheus server, which
// evaluates deploy/prometheus/errorcatalog-rules.yaml; spans with known
// codes go in, and the test reads back series, recording rules, alerts and
// every dashboard query through Prometheus' HTTP API.

// envPrometheus names the Prometheus server binary (`make prometheus`
// installs Debian's package); without it, `prometheus` on PATH is used.
const envPrometheus = "ERRORCATALOG_PROMETHEUS"

const (
	// promStartTimeout bounds Prometheus' start (TSDB creation, rule loading).
	promStartTimeout = 30 * time.Second
	// promDataTimeout bounds the wait for span metrics to show up: a flush
	// each second, one remote write, one query.
	promDataTimeout = 30 * time.Second
	// promAlertTimeout bounds the wait for every expected alert to fire:
	// rates need two flushes, rules run each second, `for` is cut to 2s.
	promAlertTimeout = 90 * time.Second
	// promTestFor replaces every rule's `for`: the test proves expressions,
	// labels and annotations on live data in seconds; the real durations
	// are proven by the promtool unit tests.
	promTestFor = "2s"
	// promJob is the calling service, service.name in the SDK's resource
	// and `job` in Prometheus.
	promJob = "checkout"
)

func prometheusBinary(t *testing.T) string {
	t.Helper()
	if os.Getenv(envPrometheus) != "" {
		p, err := harness.Executable(envPrometheus, "make prometheus")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p, err := exec.LookPath("prometheus")
	if err != nil {
		t.Fatalf("no Prometheus server: set %s or put `prometheus` on PATH (`make prometheus` installs Debian's package): %v", envPrometheus, err)
	}
	return p
}

// promServer is one Prometheus process on a loopback port with a fresh TSDB.
type promServer struct {
	url    string
	cmd    *exec.Cmd
	output bytes.Buffer // written by the process until it exits
	exited chan struct{}
	err    error
	client *http.Client
}

// startPrometheus starts Prometheus with the remote-write receiver, rules
// evaluated every second, and nothing to scrape; it is stopped when the test
// ends.
func startPrometheus(t *testing.T, rulesFile string) *promServer {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf("global:\n  evaluation_interval: 1s\nrule_files:\n  - %q\n", rulesFile)
	cfgFile := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(harness.FreePort(t))
	p := &promServer{
		url:    "http://" + addr,
		exited: make(chan struct{}),
		client: &http.Client{Timeout: 5 * time.Second},
	}
	p.cmd = exec.Command(prometheusBinary(t),
		"--config.file="+cfgFile,
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--web.enable-remote-write-receiver",
		"--log.level=warn",
	)
	p.cmd.Stdout = &p.output
	p.cmd.Stderr = &p.output
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting Prometheus: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(15 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
			t.Errorf("Prometheus did not exit within 15s of SIGTERM; killed")
		}
		if t.Failed() {
			t.Logf("--- Prometheus output ---\n%s", p.output.String())
		}
	})

	deadline := time.Now().Add(promStartTimeout)
	for {
		resp, err := p.client.Get(p.url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("Prometheus exited: %v\n%s", p.err, p.output.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus not ready within %s", promStartTimeout)
		}
	}
}

// api GETs a Prometheus HTTP API path and decodes the response's data; a
// response whose status is not "success" (a query that does not parse, for
// one) is an error carrying Prometheus' message.
func (p *promServer) api(path string, params url.Values, data any) error {
	resp, err := p.client.Get(p.url + path + "?" + params.Encode())
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var body struct {
		Status    string          `json:"status"`
		Data      json.RawMessage `json:"data"`
		ErrorType string          `json:"errorType"`
		Error     string          `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return fmt.Errorf("%s: HTTP %d: %w", path, resp.StatusCode, err)
	}
	if body.Status != "success" {
		return fmt.Errorf("%s: %s: %s", path, body.ErrorType, body.Error)
	}
	return json.Unmarshal(body.Data, data)
}

type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

func (s promSample) value() float64 {
	f, _ := strconv.ParseFloat(fmt.Sprint(s.Value[1]), 64)
	return f
}

// query runs an instant query that must return a vector.
func (p *promServer) query(expr string) ([]promSample, error) {
	var data struct {
		ResultType string       `json:"resultType"`
		Result     []promSample `json:"result"`
	}
	if err := p.api("/api/v1/query", url.Values{"query": {expr}}, &data); err != nil {
		return nil, err
	}
	if data.ResultType != "vector" {
		return nil, fmt.Errorf("query %q: result type %s, want vector", expr, data.ResultType)
	}
	return data.Result, nil
}

type promAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	State       string            `json:"state"`
}

func (p *promServer) alerts() ([]promAlert, error) {
	var data struct {
		Alerts []promAlert `json:"alerts"`
	}
	err := p.api("/api/v1/alerts", nil, &data)
	return data.Alerts, err
}

// promWait polls cond every 250ms until it holds or timeout passes, then
// fails the test with describe's account of the last state.
func promWait(t *testing.T, timeout time.Duration, cond func() bool, describe func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", timeout, describe())
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// testRules writes a copy of the shipped rule file with every `for:` set to
// promTestFor, and returns its path.
func testRules(t *testing.T) string {
	t.Helper()
	src := deployPath(t, "prometheus", "errorcatalog-rules.yaml")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	n := 0
	var walk func(*yaml.Node)
	walk = func(node *yaml.Node) {
		if node.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(node.Content); i += 2 {
				if node.Content[i].Value == "for" && node.Content[i+1].Kind == yaml.ScalarNode {
					node.Content[i+1].Value = promTestFor
					n++
				}
			}
		}
		for _, c := range node.Content {
			walk(c)
		}
	}
	walk(&doc)
	if n == 0 {
		t.Fatalf("%s: no rule has a `for:`", src)
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "errorcatalog-rules.yaml")
	if err := os.WriteFile(dst, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

// promTraffic is one kind of span the test sends: a catalog entry's code
// (entry set), a code the vendor's catalog lacks (vendor and code set), or
// no code at all.
type promTraffic struct {
	name   string
	entry  *catalog.Entry
	vendor string
	code   int64
}

func (tr promTraffic) attrs() []attribute.KeyValue {
	switch {
	case tr.entry != nil && tr.entry.Vendor.CodeType == catalog.CodeTypeInt:
		return []attribute.KeyValue{attribute.String("error.vendor", tr.entry.Vendor.ID), attribute.Int64("error.code", tr.entry.IntCode)}
	case tr.entry != nil:
		return []attribute.KeyValue{attribute.String("error.vendor", tr.entry.Vendor.ID), attribute.String("error.code", tr.entry.Code)}
	case tr.vendor != "":
		return []attribute.KeyValue{attribute.String("error.vendor", tr.vendor), attribute.Int64("error.code", tr.code)}
	}
	return []attribute.KeyValue{attribute.String("http.request.method", "POST")}
}

// labels are the error_catalog_* labels the span's series carries.
func (tr promTraffic) labels() (category, class, vendor, name string) {
	switch {
	case tr.entry != nil:
		return tr.entry.Category.String(), tr.entry.Class.String(), tr.entry.Vendor.ID, tr.entry.Name
	case tr.vendor != "":
		return "unknown", "UNKNOWN", tr.vendor, ""
	}
	return "", "", "", ""
}

// pickEntries chooses, from the built-in catalog, one entry for each alert and
// two that must not alert.
func pickEntries(t *testing.T) []promTraffic {
	t.Helper()
	c, err := catalog.Builtin()
	if err != nil {
		t.Fatalf("built-in catalog: %v", err)
	}
	all := c.Entries()
	pick := func(what string, ok func(e *catalog.Entry) bool) *catalog.Entry {
		for _, e := range all {
			if ok(e) {
				return e
			}
		}
		t.Fatalf("test premise: the built-in catalog has no %s entry", what)
		return nil
	}
	is := func(e *catalog.Entry, category, class, severity string) bool {
		return (category == "" || e.Category.String() == category) &&
			(class == "" || e.Class.String() == class) &&
			(severity == "" || e.Severity.String() == severity)
	}
	crit := pick("critical", func(e *catalog.Entry) bool { return is(e, "", "", "critical") })
	picked := []promTraffic{
		{name: "vendor unavailable", entry: pick("UNAVAILABLE, severity error", func(e *catalog.Entry) bool { return is(e, "", "UNAVAILABLE", "error") })},
		{name: "broken integration", entry: pick("authentication, severity error", func(e *catalog.Entry) bool { return is(e, "authentication", "", "error") })},
		{name: "throttled", entry: pick("RESOURCE_EXHAUSTED", func(e *catalog.Entry) bool { return is(e, "", "RESOURCE_EXHAUSTED", "") })},
		{name: "critical", entry: crit},
		{name: "success", entry: pick("success", func(e *catalog.Entry) bool { return is(e, "success", "OK", "info") })},
		{name: "caller's mistake", entry: pick("validation, severity warning", func(e *catalog.Entry) bool {
			return is(e, "validation", "INVALID_ARGUMENT", "warning")
		})},
	}
	// A code the vendor's catalog lacks: category unknown, vendor known.
	ix := catalog.NewIndex(c)
	v, ok := ix.VendorByName("zingle")
	if !ok || v.CodeType != catalog.CodeTypeInt {
		t.Fatalf("test premise: zingle is an int-coded vendor of the built-in catalog")
	}
	if _, found := ix.Lookup(v, catalog.IntCode(99999)); found {
		t.Fatalf("test premise: zingle has no code 99999")
	}
	picked = append(picked, promTraffic{name: "code not in the catalog", vendor: v.ID, code: 99999})
	picked = append(picked, promTraffic{name: "no code"})
	return picked
}

// expectedAlerts restates, for the entries sent, which alerts the rules
// must fire and with which identifying labels; sent at the test's rates
// every one of them is above its threshold.
func expectedAlerts(sent []promTraffic) map[string]bool {
	want := map[string]bool{}
	for _, tr := range sent {
		e := tr.entry
		if e == nil {
			continue
		}
		v, class, cat, sev, name := e.Vendor.ID, e.Class.String(), e.Category.String(), e.Severity.String(), e.Name
		if cat == "server" || cat == "unavailable" || class == "INTERNAL" || class == "UNAVAILABLE" {
			want[alertKey("ErrorCatalogVendorFaults", map[string]string{"vendor": v, "category": cat, "class": class, "name": name})] = true
		}
		if cat == "authentication" && (sev == "error" || sev == "critical") {
			want[alertKey("ErrorCatalogAuthenticationFailing", map[string]string{"job": promJob, "vendor": v, "name": name})] = true
		}
		if cat == "rate_limit" {
			want[alertKey("ErrorCatalogRateLimited", map[string]string{"job": promJob, "vendor": v, "name": name})] = true
		}
		if cat == "quota" {
			want[alertKey("ErrorCatalogQuotaExceeded", map[string]string{"job": promJob, "vendor": v, "name": name})] = true
		}
		if sev == "critical" {
			want[alertKey("ErrorCatalogCritical", map[string]string{"job": promJob, "vendor": v, "class": class, "name": name})] = true
		}
	}
	return want
}

// alertKey identifies an alert by its name and labels, minus the rule's own
// severity label.
func alertKey(name string, labels map[string]string) string {
	keys := slices.Sorted(maps.Keys(labels))
	var b strings.Builder
	b.WriteString(name)
	for _, k := range keys {
		if k == "alertname" || k == "severity" {
			continue
		}
		fmt.Fprintf(&b, " %s=%q", k, labels[k])
	}
	return b.String()
}

func TestPrometheusSpanMetricsAlertsAndDashboard(t *testing.T) {
	traffic := pickEntries(t)

	// Prometheus first, so that it is stopped last: the collector flushes its
	// remote-write queue on shutdown.
	prom := startPrometheus(t, testRules(t))

	ep := harness.NewEndpoints(t, "")
	harness.StartCollector(t, otelcolBinary, deployPath(t, "collector", "errors.yaml"), ep,
		"OTLP_GRPC_ENDPOINT="+ep.OTLPGRPC,
		"OTLP_HTTP_ENDPOINT="+ep.OTLPHTTP,
		"HEALTH_CHECK_ENDPOINT="+ep.Health,
		"TELEMETRY_METRICS_PORT="+strconv.Itoa(ep.MetricsPort),
		"PROM_REMOTE_WRITE_ENDPOINT="+prom.url+"/api/v1/write",
		"SPANMETRICS_FLUSH_INTERVAL=1s",
		"ERRORMETRICS_FLUSH_INTERVAL=1s",
	)

	ctx := context.Background()
	sdk, err := harness.NewSDK(ctx, ep.OTLPGRPC, harness.Traces,
		attribute.String("service.name", promJob), attribute.String("service.instance.id", "checkout-1"))
	if err != nil {
		t.Fatalf("OpenTelemetry SDK: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := sdk.Shutdown(ctx); err != nil {
			t.Errorf("SDK shutdown: %v", err)
		}
	})
	tracer := sdk.TracerProvider.Tracer("e2e-prometheus")
	send := func(tr promTraffic, n int) {
		for range n {
			_, span := tracer.Start(ctx, "POST /vendor/"+strings.ReplaceAll(tr.name, " ", "-"),
				trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(tr.attrs()...))
			span.End()
		}
	}

	// 1. Known counts: the series grouped by category and class, and by
	// vendor and entry name, hold exactly what was sent.
	byClass := map[string]float64{}
	byEntry := map[string]float64{}
	for i, tr := range traffic {
		n := i + 2
		send(tr, n)
		cat, class, vendor, name := tr.labels()
		byClass[cat+"/"+class] += float64(n)
		if vendor != "" {
			byEntry[vendor+"/"+name] += float64(n)
		}
	}
	t.Run("series by category and class", func(t *testing.T) {
		expectVector(t, prom, fmt.Sprintf(`sum by (error_catalog_category, error_catalog_class) (traces_span_metrics_calls_total{job=%q})`, promJob),
			func(m map[string]string) string { return m["error_catalog_category"] + "/" + m["error_catalog_class"] }, byClass)
	})
	t.Run("series by vendor and catalog name", func(t *testing.T) {
		expectVector(t, prom, fmt.Sprintf(`sum by (error_catalog_vendor, error_catalog_name) (traces_span_metrics_calls_total{job=%q, error_catalog_class!=""})`, promJob),
			func(m map[string]string) string { return m["error_catalog_vendor"] + "/" + m["error_catalog_name"] }, byEntry)
	})
	t.Run("the error counter counts the same spans", func(t *testing.T) {
		// Every span that reported a code, by errormetrics, which sees the
		// spans the span metrics do; the spans without a code count in
		// neither as errors.
		want := maps.Clone(byClass)
		delete(want, "/")
		expectVector(t, prom, fmt.Sprintf(`sum by (category, class) (errorcatalog_errors_total{job=%q, signal="spans"})`, promJob),
			func(m map[string]string) string { return m["category"] + "/" + m["class"] }, want)
	})
	if t.Failed() {
		return
	}

	// 2. Sustained traffic of every kind, until the alerts have fired.
	trafficCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for range int(promAlertTimeout / (200 * time.Millisecond)) {
			for _, tr := range traffic {
				send(tr, 5)
			}
			select {
			case <-trafficCtx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	t.Cleanup(func() { stop(); wg.Wait() })

	t.Run("alerts fire for the injected failures, and only those", func(t *testing.T) {
		want := expectedAlerts(traffic)
		var firing map[string]promAlert
		var lastErr error
		promWait(t, promAlertTimeout, func() bool {
			alerts, err := prom.alerts()
			if lastErr = err; err != nil {
				return false
			}
			firing = map[string]promAlert{}
			for _, a := range alerts {
				if a.State == "firing" {
					firing[alertKey(a.Labels["alertname"], a.Labels)] = a
				}
			}
			return maps.Equal(boolSet(slices.Collect(maps.Keys(firing))), want)
		}, func() string {
			var missing, unexpected []string
			for k := range want {
				if _, ok := firing[k]; !ok {
					missing = append(missing, k)
				}
			}
			for k := range firing {
				if !want[k] {
					unexpected = append(unexpected, k)
				}
			}
			slices.Sort(missing)
			slices.Sort(unexpected)
			return fmt.Sprintf("alerts not firing:\n  %s\nalerts firing unexpectedly:\n  %s\n(last error: %v)",
				strings.Join(missing, "\n  "), strings.Join(unexpected, "\n  "), lastErr)
		})
		for _, key := range slices.Sorted(maps.Keys(firing)) {
			t.Logf("firing: %s\n  %s", key, firing[key].Annotations["summary"])
		}
		for key, a := range firing {
			if a.Labels["severity"] != "page" && a.Labels["severity"] != "ticket" {
				t.Errorf("%s: severity label %q, want page or ticket", key, a.Labels["severity"])
			}
			summary := a.Annotations["summary"]
			for _, l := range []string{"vendor", "name"} {
				if !strings.Contains(summary, a.Labels[l]) {
					t.Errorf("%s: summary %q does not name %s %q", key, summary, l, a.Labels[l])
				}
			}
			if strings.Contains(summary, "<no value>") || strings.Contains(a.Annotations["description"], "<no value>") {
				t.Errorf("%s: an annotation reads a label the alert lacks: %v", key, a.Annotations)
			}
		}
	})

	t.Run("recording rules", func(t *testing.T) {
		for _, tr := range traffic {
			if tr.entry == nil {
				continue
			}
			expr := fmt.Sprintf(`errorcatalog:calls:rate5m{job=%q, error_catalog_vendor=%q, error_catalog_name=%q}`, promJob, tr.entry.Vendor.ID, tr.entry.Name)
			promWait(t, promDataTimeout, func() bool {
				s, err := prom.query(expr)
				return err == nil && len(s) == 1 && s[0].value() > 0
			}, func() string { return "no positive sample for " + expr })
		}
	})

	t.Run("every dashboard query parses and has data", func(t *testing.T) {
		// Grafana's variables and macros, as Grafana would expand them.
		expand := strings.NewReplacer(
			"$__rate_interval", "1m",
			"$__range", "1h",
			"$job", promJob,
			"$vendor", ".*",
		)
		for _, q := range dashboardExprs(t) {
			checkDashboardQuery(t, prom, q, expand.Replace(q.expr), promDataTimeout)
		}
	})
}

// expectVector waits until the query's samples, keyed by key, equal want.
func expectVector(t *testing.T, prom *promServer, expr string, key func(map[string]string) string, want map[string]float64) {
	t.Helper()
	var got map[string]float64
	var lastErr error
	promWait(t, promDataTimeout, func() bool {
		samples, err := prom.query(expr)
		if lastErr = err; err != nil {
			return false
		}
		got = map[string]float64{}
		for _, s := range samples {
			got[key(s.Metric)] += s.value()
		}
		return maps.Equal(got, want)
	}, func() string {
		return fmt.Sprintf("%s\n got  %v\n want %v (last error: %v)", expr, got, want, lastErr)
	})
}

func boolSet(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// labelValues matches a Grafana variable query, label_values(selector, label).
var labelValues = regexp.MustCompile(`^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$`)

// checkDashboardQuery checks that a dashboard query (expr, its variables
// expanded) parses and returns data within timeout: a label_values()
// variable query through the label API, any other through a query.
func checkDashboardQuery(t *testing.T, prom *promServer, q dashboardQuery, expr string, timeout time.Duration) {
	t.Helper()
	if m := labelValues.FindStringSubmatch(expr); m != nil {
		var values []string
		if err := prom.api("/api/v1/label/"+m[2]+"/values", url.Values{"match[]": {m[1]}}, &values); err != nil {
			t.Errorf("%s: %s: %v", q.where, q.expr, err)
		} else if len(values) == 0 {
			t.Errorf("%s: %s: no values", q.where, q.expr)
		}
		return
	}
	var got []promSample
	var err error
	promWait(t, timeout, func() bool {
		got, err = prom.query(expr)
		return err != nil || len(got) > 0
	}, func() string { return fmt.Sprintf("%s: %s: no data", q.where, expr) })
	if err != nil {
		t.Errorf("%s: %s: %v", q.where, q.expr, err)
	}
}
