package e2e

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/trace"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// The errormetrics connector end to end, as it is deployed: two collector
// replicas run testdata/otelcol/e2e-errors.yaml, each with its own
// service.instance.id, and remote-write errorcatalog_errors_total to one
// Prometheus server. Replica A only sees log records (a JSON log file tailed
// by file_log, and OTLP), replica B only spans (OTLP, with span events). The
// test knows how many records of each catalog entry it sent where, and reads
// back the series, their labels, an alert on a vendor fault, and
// Prometheus' own counters of rejected samples.

const (
	// emDataTimeout bounds each wait for the counts: a flush each second,
	// one remote write, one query; the margin is for a loaded machine.
	emDataTimeout = 60 * time.Second
	// emAlertTimeout bounds the wait for the vendor-fault alert: rules run
	// each second with `for: 0s`, increase() needs two samples.
	emAlertTimeout = 60 * time.Second

	emMetric    = "errorcatalog_errors_total"
	emInstanceA = "e2e-errors-a"
	emInstanceB = "e2e-errors-b"
	// emLogsJob and emSpansJob are the OTLP clients' service.name; the
	// file's records have none, so no job label.
	emLogsJob  = "chat-backend"
	emSpansJob = "checkout"
	// emAlert is the test's own vendor-fault rule.
	emAlert = "ErrorMetricsE2EVendorFault"
	// emScope is the connector's instrumentation scope.
	emScope = "github.com/errorcatalog/errorcatalogprocessor/connector"
)

// emRules is the vendor-fault alert on the connector's counter: summed over
// replicas (instance), firing as soon as a vendor's server fault is counted.
var emRules = `groups:
  - name: errormetrics-e2e
    rules:
      - alert: ` + emAlert + `
        expr: sum without (instance) (increase(` + emMetric + `{category=~"server|unavailable"}[1m])) > 0
        for: 0s
        annotations:
          summary: '{{ $labels.vendor }} {{ $labels.name }} ({{ $labels.signal }})'
`

// emSent is a number of records of one kind the test sent to one replica,
// and the labels of the series that must count them.
type emSent struct {
	what     string
	instance string
	signal   string // spans, span_events or logs
	job      string // "" for none
	labels   map[string]string
	n        int
}

// series is the label set of the series, as Prometheus' API returns it
// (without __name__).
func (s emSent) series() map[string]string {
	m := maps.Clone(s.labels)
	m["instance"] = s.instance
	m["signal"] = s.signal
	// prometheus_remote_write adds the instrumentation scope by default
	// (disable_scope_info: false); the connector names its scope and sets
	// no version.
	m["otel_scope_name"] = emScope
	if s.job != "" {
		m["job"] = s.job
	}
	return m
}

// emEntryLabels are the dimensions the connector writes for a catalog entry.
func emEntryLabels(e *catalog.Entry) map[string]string {
	return map[string]string{
		"vendor": e.Vendor.ID, "category": e.Category.String(), "class": e.Class.String(),
		"severity": e.Severity.String(), "name": e.Name, "retryable": strconv.FormatBool(e.Retryable),
	}
}

// seriesKey renders a label set, sorted, without __name__.
func seriesKey(m map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k == "__name__" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%q", k, m[k])
	}
	return "{" + b.String() + "}"
}

// emLogFile is replica A's log file, written as a Go service's log/slog
// JSONHandler writes it: one object per line, the vendor's response nested.
type emLogFile struct {
	mu     sync.Mutex
	path   string
	logger *slog.Logger
	f      *os.File
}

func newEmLogFile(t *testing.T) *emLogFile {
	t.Helper()
	path := filepath.Join(t.TempDir(), "chat-backend.log")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return &emLogFile{path: path, f: f, logger: slog.New(slog.NewJSONHandler(f, nil))}
}

// write appends n lines; slog writes each with one write call.
func (l *emLogFile) write(n int, level slog.Level, msg string, attrs ...slog.Attr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for range n {
		l.logger.LogAttrs(context.Background(), level, msg, attrs...)
	}
}

// Vendor responses as the services logged them.
const (
	emZingleAuth   = `{"status":{"status_code":401,"text":"Unauthorized","error_code":2601,"description":"Authentication failed"},"result":null}`
	emZingleServer = `{"status":{"status_code":500,"text":"Internal Server Error","error_code":2600,"description":"An unspecified error has occurred."},"result":null}`
	emZingleNew    = `{"status":{"status_code":500,"text":"Internal Server Error","error_code":9999,"description":"new"},"result":null}`
	emCometFatal   = `{"error":{"code":"ERR_MISSION_FAILED","message":"Fatal error.","devMessage":"","source":"ams"}}`
)

func TestErrorMetricsTwoReplicas(t *testing.T) {
	started := time.Now()
	ix := builtinIndex(t)
	lookup := func(vendor string, code catalog.Code) *catalog.Entry {
		t.Helper()
		e, ok := ix.Lookup(vendorOf(t, ix, vendor), code)
		require.True(t, ok, "test premise: %s has an entry for %v", vendor, code)
		return e
	}
	zAuth := lookup("zingle", intCode(2601))
	zServer := lookup("zingle", intCode(2600))
	cFatal := lookup("cometchat", strCode("ERR_MISSION_FAILED"))
	cUID := lookup("cometchat", strCode("ERR_UID_NOT_FOUND"))
	cGUID := lookup("cometchat", strCode("ERR_GUID_NOT_FOUND"))
	cQuota := lookup("cometchat", strCode("ERR_PLAN_QUOTA_RESTRICTION"))
	nOK := lookup("netease_im", intCode(200))
	// The premises the expectations below spell out.
	require.Equal(t, "authentication/UNAUTHENTICATED", zAuth.Category.String()+"/"+zAuth.Class.String())
	require.Equal(t, "server/INTERNAL", zServer.Category.String()+"/"+zServer.Class.String(), "the vendor fault the alert must see")
	require.Equal(t, "server/INTERNAL", cFatal.Category.String()+"/"+cFatal.Class.String())
	require.Equal(t, "success/OK", nOK.Category.String()+"/"+nOK.Class.String())
	_, ok := ix.Lookup(vendorOf(t, ix, "zingle"), intCode(9999))
	require.False(t, ok, "test premise: zingle 9999 is undocumented")

	// What is sent, and where. Records with no code, or whose payload
	// holds a code no catalog has, are not enriched and must not count.
	zingleUnknown := map[string]string{"vendor": "zingle", "category": "unknown", "class": "UNKNOWN"}
	sent := []emSent{
		{what: "file: zingle 2601", instance: emInstanceA, signal: "logs", labels: emEntryLabels(zAuth), n: 3},
		{what: "file: zingle 2600", instance: emInstanceA, signal: "logs", labels: emEntryLabels(zServer), n: 2},
		{what: "otlp log: cometchat ERR_MISSION_FAILED body", instance: emInstanceA, signal: "logs", job: emLogsJob, labels: emEntryLabels(cFatal), n: 2},
		{what: "otlp log: cometchat ERR_UID_NOT_FOUND attributes", instance: emInstanceA, signal: "logs", job: emLogsJob, labels: emEntryLabels(cUID), n: 4},
		{what: "span: zingle 2601", instance: emInstanceB, signal: "spans", job: emSpansJob, labels: emEntryLabels(zAuth), n: 5},
		{what: "span: cometchat ERR_PLAN_QUOTA_RESTRICTION", instance: emInstanceB, signal: "spans", job: emSpansJob, labels: emEntryLabels(cQuota), n: 3},
		{what: "span: zingle 9999 (not in the catalog)", instance: emInstanceB, signal: "spans", job: emSpansJob, labels: zingleUnknown, n: 2},
		{what: "span event: cometchat ERR_GUID_NOT_FOUND", instance: emInstanceB, signal: "span_events", job: emSpansJob, labels: emEntryLabels(cGUID), n: 1},
		{what: "span: netease 200 (a success)", instance: emInstanceB, signal: "spans", job: emSpansJob, labels: emEntryLabels(nOK), n: 1},
	}
	// Their indices, in that order.
	const (
		iFileAuth = iota
		iFileServer
		iLogFatal
		iLogUID
		iSpanAuth
		iSpanQuota
		iSpanUnknown
		iSpanEvent
		iSpanSuccess
	)
	require.Len(t, sent, iSpanSuccess+1)
	for _, s := range sent {
		t.Logf("sending %d × %s to %s", s.n, s.what, s.instance)
	}

	// Prometheus first, so that it is stopped last: the replicas flush
	// their counters and remote-write queues when they stop.
	rulesDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(rulesDir, "errormetrics-e2e.yaml"), []byte(emRules), 0o600))
	shippedRules := fileMentions(t, deployPath(t, "prometheus", "errorcatalog-rules.yaml"), emMetric)
	if shippedRules {
		data, err := os.ReadFile(testRules(t))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(rulesDir, "errorcatalog-rules.yaml"), data, 0o600))
	} else {
		t.Logf("deploy/prometheus/errorcatalog-rules.yaml does not read %s yet: only the test's own vendor-fault rule is loaded", emMetric)
	}
	prom := startPrometheus(t, filepath.Join(rulesDir, "*.yaml"))
	t.Logf("Prometheus ready after %s", time.Since(started).Round(time.Millisecond))

	config, err := harness.Config("e2e-errors.yaml")
	require.NoError(t, err)
	logFile := newEmLogFile(t)
	logFile.write(sent[iFileAuth].n, slog.LevelError, "zingle call failed", slog.Any("response", raw(emZingleAuth)))
	logFile.write(sent[iFileServer].n, slog.LevelError, "zingle call failed", slog.Any("response", raw(emZingleServer)))
	logFile.write(2, slog.LevelError, "zingle answered an undocumented code", slog.Any("response", raw(emZingleNew)))
	logFile.write(2, slog.LevelInfo, "order placed", slog.Group("order", slog.String("code", "SUMMER24"), slog.Int("items", 3)))

	rw := "E2E_PROM_RW_ENDPOINT=" + prom.url + "/api/v1/write"
	replicaStart := time.Now()
	a := harness.StartCollector(t, otelcolBinary, config, harness.NewEndpoints(t, ""), rw, "E2E_INSTANCE="+emInstanceA, "E2E_LOG_FILE="+logFile.path)
	// Replica B tails no file: the default path does not exist.
	b := harness.StartCollector(t, otelcolBinary, config, harness.NewEndpoints(t, ""), rw, "E2E_INSTANCE="+emInstanceB)
	t.Logf("both replicas healthy after %s", time.Since(replicaStart).Round(time.Millisecond))

	// Replica A, OTLP logs.
	ctx := context.Background()
	logsSDK, err := harness.NewSDK(ctx, a.Endpoints.OTLPGRPC, harness.Logs, str("service.name", emLogsJob))
	require.NoError(t, err)
	spansSDK, err := harness.NewSDK(ctx, b.Endpoints.OTLPGRPC, harness.Traces, str("service.name", emSpansJob))
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.NoError(t, errors.Join(logsSDK.Shutdown(ctx), spansSDK.Shutdown(ctx)), "SDK shutdown")
	})
	logger := logsSDK.LoggerProvider.Logger("e2e-errormetrics")
	// Each Emit exports synchronously; bound them all, retries included.
	emitCtx, cancelEmit := context.WithTimeout(ctx, arrival)
	defer cancelEmit()
	emit := func(n int, body attribute.Value, attrs ...attribute.KeyValue) {
		for range n {
			var r otellog.Record
			r.SetTimestamp(time.Now())
			r.SetSeverity(otellog.SeverityError)
			r.SetBody(body)
			r.AddAttributes(attrs...)
			logger.Emit(emitCtx, r)
		}
	}
	emit(sent[iLogFatal].n, attribute.StringValue(emCometFatal))
	emit(sent[iLogUID].n, attribute.StringValue("cometchat user lookup failed"), str("error.vendor", "cometchat"), str("error.code", "ERR_UID_NOT_FOUND"))
	emit(3, attribute.StringValue("message delivered"), str("conversation_id", "c1"))
	require.NoError(t, emitCtx.Err(), "emitting the log records")

	// Replica B, spans.
	tracer := spansSDK.TracerProvider.Tracer("e2e-errormetrics")
	span := func(n int, name string, attrs ...attribute.KeyValue) {
		for range n {
			_, s := tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
			s.End()
		}
	}
	span(sent[iSpanAuth].n, "POST /zingle/messages", str("error.vendor", "zingle"), i64("error.code", 2601))
	span(sent[iSpanQuota].n, "POST /cometchat/messages", str("error.vendor", "cometchat"), str("error.code", "ERR_PLAN_QUOTA_RESTRICTION"))
	span(sent[iSpanUnknown].n, "POST /zingle/contacts", str("error.vendor", "zingle"), i64("error.code", 9999))
	for range sent[iSpanEvent].n {
		// The code is on the exception event; the vendor on its span,
		// which itself carries no code and is not counted.
		_, s := tracer.Start(ctx, "GET /cometchat/groups", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(str("error.vendor", "comet_chat")))
		s.RecordError(errors.New("group not found"), trace.WithAttributes(str("error.code", "ERR_GUID_NOT_FOUND")))
		s.End()
	}
	span(sent[iSpanSuccess].n, "POST /netease/msg", str("error.vendor", "netease"), i64("error.code", 200))
	span(4, "GET /healthz", str("http.request.method", "GET"))
	flushCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	require.NoError(t, errors.Join(logsSDK.Flush(flushCtx), spansSDK.Flush(flushCtx)), "SDK flush")
	cancel()
	sentAt := time.Now()

	// 1. The counts, by class and category, summed over both replicas.
	expectByClass := func(t *testing.T) {
		t.Helper()
		want := map[string]float64{}
		for _, s := range sent {
			want[s.labels["category"]+"/"+s.labels["class"]] += float64(s.n)
		}
		emExpect(t, prom, `sum by (class, category) (`+emMetric+`)`,
			func(m map[string]string) string { return m["category"] + "/" + m["class"] }, want)
	}
	t.Run("counts by class and category", func(t *testing.T) {
		expectByClass(t)
		t.Logf("counts complete %s after the last record was sent", time.Since(sentAt).Round(time.Millisecond))
	})
	if t.Failed() {
		return
	}
	// Every series, label for label: job only where the record's resource
	// had a service.name, no severity, name or retryable where the
	// processor wrote none, and instance the replica's own id.
	expectSeries := func(t *testing.T) {
		t.Helper()
		want := map[string]float64{}
		for _, s := range sent {
			want[seriesKey(s.series())] += float64(s.n)
		}
		emExpect(t, prom, emMetric, seriesKey, want)
	}
	t.Run("every series and its labels", expectSeries)
	t.Run("each replica writes its own series", func(t *testing.T) {
		// Both replicas' instance labels, each on its own signals.
		perInstance := map[string]float64{}
		perInstanceSignal := map[string]float64{}
		for _, s := range sent {
			perInstanceSignal[s.instance+"/"+s.signal] += float64(s.n)
		}
		series := map[string]bool{}
		for _, s := range sent {
			k := seriesKey(s.series())
			if !series[k] {
				series[k] = true
				perInstance[s.instance]++
			}
		}
		emExpect(t, prom, `count by (instance) (`+emMetric+`)`,
			func(m map[string]string) string { return m["instance"] }, perInstance)
		emExpect(t, prom, `sum by (instance, signal) (`+emMetric+`)`,
			func(m map[string]string) string { return m["instance"] + "/" + m["signal"] }, perInstanceSignal)
		// No label set but instance is written by both.
		got, err := prom.query(`count without (instance) (` + emMetric + `) > 1`)
		require.NoError(t, err)
		assert.Empty(t, got, "series written by both replicas")
	})

	// 2. More vendor faults in replica A's log file, one line every 300ms,
	// until the alert fires: increase() sees them once a series has two
	// samples apart.
	t.Run("vendor-fault alert fires on the logged fault", func(t *testing.T) {
		alertStart := time.Now()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		appended := 0
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(300 * time.Millisecond)
			defer tick.Stop()
			for {
				logFile.write(1, slog.LevelError, "zingle call failed", slog.Any("response", raw(emZingleServer)))
				appended++
				select {
				case <-stop:
					return
				case <-tick.C:
				}
			}
		}()
		var stopOnce sync.Once
		stopAppending := func() { stopOnce.Do(func() { close(stop); wg.Wait() }) }
		t.Cleanup(stopAppending)

		want := emSent{signal: "logs", labels: emEntryLabels(zServer)}.series()
		delete(want, "instance") // summed over replicas
		want["alertname"] = emAlert
		var firing []promAlert
		var lastErr error
		promWait(t, emAlertTimeout, func() bool {
			alerts, err := prom.alerts()
			if lastErr = err; err != nil {
				return false
			}
			firing = firing[:0]
			found := false
			for _, al := range alerts {
				if al.State == "firing" && al.Labels["alertname"] == emAlert {
					firing = append(firing, al)
					found = found || maps.Equal(al.Labels, want)
				}
			}
			return found
		}, func() string {
			return fmt.Sprintf("no firing alert %s; firing: %v (last error: %v)", seriesKey(want), firing, lastErr)
		})
		stopAppending()
		sent[iFileServer].n += appended
		t.Logf("%s firing %s after the first appended line (%d lines appended)", emAlert, time.Since(alertStart).Round(time.Millisecond), appended)
		for _, al := range firing {
			t.Logf("firing: %s: %s", seriesKey(al.Labels), al.Annotations["summary"])
			// Only replica A's logs carried vendor faults.
			assert.Equal(t, "logs", al.Labels["signal"], "%s", seriesKey(al.Labels))
			assert.NotContains(t, al.Labels, "instance", "the rule sums over replicas")
			assert.Equal(t, "server", al.Labels["category"])
		}
	})
	if t.Failed() {
		return
	}
	t.Run("counts after the appended lines", func(t *testing.T) {
		expectByClass(t)
		expectSeries(t)
	})

	// 3. A replica that stops loses no count: spans accepted just before
	// SIGTERM are flushed by the batch processor, the connector and the
	// remote-write queue on shutdown.
	t.Run("shutdown flushes the last counts", func(t *testing.T) {
		span(3, "POST /zingle/messages", str("error.vendor", "zingle"), i64("error.code", 2601))
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		require.NoError(t, spansSDK.Flush(ctx))
		stopStart := time.Now()
		require.NoError(t, b.Stop(), "replica B's shutdown\n%s", b.Output())
		t.Logf("replica B stopped in %s", time.Since(stopStart).Round(time.Millisecond))
		sent[iSpanAuth].n += 3
		expectByClass(t)
		expectSeries(t)
	})

	// 4. Prometheus took every sample: none out of order, none a duplicate
	// of another value at one timestamp, no write refused.
	t.Run("no sample rejected", func(t *testing.T) {
		u, err := url.Parse(prom.url)
		require.NoError(t, err)
		port, err := strconv.Atoi(u.Port())
		require.NoError(t, err)
		m, err := scrapeMetrics(port)
		require.NoError(t, err)
		for _, name := range []string{
			"prometheus_tsdb_out_of_order_samples_total",
			"prometheus_tsdb_out_of_bound_samples_total",
			"prometheus_tsdb_too_old_samples_total",
			"prometheus_tsdb_head_out_of_order_samples_appended_total",
		} {
			assert.Zero(t, m.sum(name), name)
		}
		var ok2xx, refused float64
		for _, line := range m {
			if !strings.HasPrefix(line, "prometheus_http_requests_total{") || !strings.Contains(line, `handler="/api/v1/write"`) {
				continue
			}
			f := strings.Fields(line)
			v, _ := strconv.ParseFloat(f[len(f)-1], 64)
			if strings.Contains(line, `code="2`) {
				ok2xx += v
			} else {
				refused += v
				t.Errorf("remote write refused: %s", line)
			}
		}
		assert.Positive(t, ok2xx, "remote writes accepted")
		assert.Zero(t, refused, `prometheus_http_requests_total{handler="/api/v1/write",code!~"2.."}`)
		t.Logf("remote writes accepted: %v, refused: %v", ok2xx, refused)

		// The replicas' side: nothing failed to export, nothing dropped.
		for _, c := range []*harness.Collector{a, b} {
			out := c.Output()
			for _, s := range []string{"Exporting error metrics failed", "Permanent error", "Exporting failed", "out of order", "duplicate sample"} {
				assert.NotContains(t, out, s)
			}
		}
		ma, err := scrapeMetrics(a.Endpoints.MetricsPort)
		require.NoError(t, err)
		assert.Zero(t, ma.sum("otelcol_exporter_send_failed_metric_points"), "replica A: points the exporter failed to send")
		assert.Positive(t, ma.sum("otelcol_exporter_sent_metric_points"), "replica A: points sent")
		for _, line := range ma {
			if strings.HasPrefix(line, "otelcol_connector_errormetrics") || strings.HasPrefix(line, "otelcol_exporter_sen") {
				t.Logf("replica A: %s", line)
			}
		}
	})

	// 5. The shipped rules and dashboard, once they read the connector's
	// counter.
	t.Run("shipped rules evaluate", func(t *testing.T) {
		if !shippedRules {
			t.Skipf("deploy/prometheus/errorcatalog-rules.yaml does not read %s yet", emMetric)
		}
		emRulesHealthy(t, prom)
	})
	t.Run("every dashboard query parses and has data", func(t *testing.T) {
		if !fileMentions(t, deployPath(t, "grafana", "errorcatalog-dashboard.json"), emMetric) {
			t.Skipf("deploy/grafana/errorcatalog-dashboard.json does not read %s yet", emMetric)
		}
		emDashboardQueries(t, prom)
	})
	t.Logf("total %s", time.Since(started).Round(time.Millisecond))
}

// fileMentions reports whether the file holds s.
func fileMentions(t *testing.T, path, s string) bool {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.Contains(string(data), s)
}

// emExpect waits until the query's samples, keyed by key, equal want.
func emExpect(t *testing.T, prom *promServer, expr string, key func(map[string]string) string, want map[string]float64) {
	t.Helper()
	var got map[string]float64
	var lastErr error
	promWait(t, emDataTimeout, func() bool {
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
		var b strings.Builder
		fmt.Fprintf(&b, "%s (last error: %v)\n", expr, lastErr)
		keys := map[string]bool{}
		for k := range got {
			keys[k] = true
		}
		for k := range want {
			keys[k] = true
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			if got[k] != want[k] {
				fmt.Fprintf(&b, "  %s: got %v, want %v\n", k, got[k], want[k])
			}
		}
		return b.String()
	})
	t.Logf("%s:", expr)
	for _, k := range slices.Sorted(maps.Keys(got)) {
		t.Logf("  %s %v", k, got[k])
	}
}

// emRulesHealthy waits until every loaded rule has been evaluated without
// an error.
func emRulesHealthy(t *testing.T, prom *promServer) {
	t.Helper()
	type rule struct {
		Name      string `json:"name"`
		Health    string `json:"health"`
		LastError string `json:"lastError"`
	}
	var bad []string
	var lastErr error
	promWait(t, emDataTimeout, func() bool {
		var data struct {
			Groups []struct {
				Rules []rule `json:"rules"`
			} `json:"groups"`
		}
		if lastErr = prom.api("/api/v1/rules", nil, &data); lastErr != nil {
			return false
		}
		bad = bad[:0]
		for _, g := range data.Groups {
			for _, r := range g.Rules {
				if r.Health != "ok" {
					bad = append(bad, fmt.Sprintf("%s: %s %s", r.Name, r.Health, r.LastError))
				}
			}
		}
		return len(bad) == 0
	}, func() string { return fmt.Sprintf("rules not healthy: %v (last error: %v)", bad, lastErr) })
}

// emDashboardQueries runs every dashboard query, with Grafana's variables
// as Grafana would expand them, and requires data from each.
func emDashboardQueries(t *testing.T, prom *promServer) {
	t.Helper()
	expand := strings.NewReplacer(
		"$__rate_interval", "1m",
		"$__interval", "1m",
		"$__range", "1h",
		"$job", emSpansJob,
		"$vendor", ".*",
		"$instance", ".*",
	)
	for _, q := range dashboardExprs(t) {
		// The call-rate panels read the span metrics, which e2e-errors.yaml
		// does not write; prometheus_test.go checks them on errors.yaml.
		if !strings.Contains(q.expr, emMetric) {
			continue
		}
		checkDashboardQuery(t, prom, q, expand.Replace(q.expr), emDataTimeout)
	}
}
