package e2e

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// Record counts of the telemetrygen run, overridable for longer load runs:
//
//	make e2e E2E_FLAGS='-count=1 -run TestTelemetrygen' E2E_LOAD_SPANS=200000 E2E_LOAD_LOGS=200000
const (
	envLoadSpans      = "E2E_LOAD_SPANS"
	envLoadLogs       = "E2E_LOAD_LOGS"
	envLoadDataPoints = "E2E_LOAD_DATAPOINTS"
	// retainLimit is the largest run whose every record the sink keeps for
	// per-record assertions; above it the sink counts only.
	retainLimit = 20000
	workers     = 2
)

func telemetrygen(t *testing.T) harness.Telemetrygen {
	t.Helper()
	bin, err := harness.Executable(harness.EnvTelemetrygen, "make tools")
	if err != nil {
		t.Fatal(err)
	}
	return harness.Telemetrygen{Binary: bin}
}

// loadCount reads a record count from env, rounded down to a multiple of
// unit (at least one unit).
func loadCount(t *testing.T, env string, def, unit int) int {
	t.Helper()
	n := def
	if s := os.Getenv(env); s != "" {
		v, err := strconv.Atoi(s)
		require.NoError(t, err, "%s=%q", env, s)
		n = v
	}
	return max(unit, n/unit*unit)
}

// TestTelemetrygenEveryRecordArrivesEnriched pushes telemetrygen's spans,
// logs and metric data points, each carrying a vendor code, through the
// distribution's memory_limiter, errorcatalog and batch processors into the
// sink: exactly as many records come out as went in, every one enriched.
func TestTelemetrygenEveryRecordArrivesEnriched(t *testing.T) {
	gen := telemetrygen(t)
	// telemetrygen sends a parent and one child span per trace.
	spans := loadCount(t, envLoadSpans, 2000, 2*workers)
	logs := loadCount(t, envLoadLogs, 2000, workers)
	points := loadCount(t, envLoadDataPoints, 1000, workers)
	retain := spans+logs+points <= retainLimit
	var opts []harness.SinkOption
	if !retain {
		opts = append(opts, harness.CountOnly())
	}
	p := startPipeline(t, "e2e.yaml", opts...)
	ep := p.collector.Endpoints.OTLPGRPC

	// Bounded: generous for the default counts, scaled for load runs.
	budget := time.Minute + time.Duration(spans+logs+points)*200*time.Microsecond
	ctx := context.Background()
	common := []string{"--rate", "0", "--workers", strconv.Itoa(workers), "--timeout", "60s"}
	start := time.Now()
	require.NoError(t, gen.Run(ctx, budget, "traces", ep, append(common,
		// Unthrottled, telemetrygen's batching span processor drops spans
		// once its 2048-span queue is full, before they leave the client;
		// exported one by one, every span reaches the collector.
		"--batch=false",
		"--traces", strconv.Itoa(spans/2/workers),
		"--telemetry-attributes", `error.code="2601"`,
		"--telemetry-attributes", `error.vendor="zingle"`)...))
	require.NoError(t, gen.Run(ctx, budget, "logs", ep, append(common,
		"--logs", strconv.Itoa(logs/workers),
		"--telemetry-attributes", `error.code="ERR_UID_NOT_FOUND"`,
		// On the resource: the record's own attributes hold no vendor hint.
		"--otlp-attributes", `server.address="api.cometchat.io"`)...))
	require.NoError(t, gen.Run(ctx, budget, "metrics", ep, append(common,
		"--metrics", strconv.Itoa(points/workers),
		"--metric-type", "Sum",
		"--telemetry-attributes", "error.code=13004")...))

	want := harness.Counts{
		Spans: int64(spans), EnrichedSpans: int64(spans),
		LogRecords: int64(logs), EnrichedLogRecords: int64(logs),
		DataPoints: int64(points), EnrichedDataPoints: int64(points),
	}
	harness.Eventually(t, budget, func() bool {
		c := p.sink.Counts()
		return c.Spans >= want.Spans && c.LogRecords >= want.LogRecords && c.DataPoints >= want.DataPoints
	}, func() string {
		return fmt.Sprintf("records at the sink: %+v, want %+v", p.sink.Counts(), want)
	})
	t.Logf("%d spans, %d logs, %d data points through the collector in %s",
		spans, logs, points, time.Since(start).Round(time.Millisecond))
	// Nothing more may arrive: a duplicate is as wrong as a loss.
	time.Sleep(time.Second)
	require.Equal(t, want, p.sink.Counts())

	if !retain {
		return
	}
	ix := builtinIndex(t)
	check := func(what string, attrs pcommon.Map, want map[string]any) {
		got, _ := split(attrs)
		if !assert.Equal(t, want, got, what) {
			t.FailNow() // one diff says it; thousands more would not
		}
	}
	wantSpan := entry("zingle", intCode(2601)).attrs(t, ix)
	for _, td := range p.sink.Traces() {
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, sp := range ss.Spans().All() {
					check("span "+sp.Name(), sp.Attributes(), wantSpan)
				}
			}
		}
	}
	wantLog := entry("cometchat", strCode("ERR_UID_NOT_FOUND")).attrs(t, ix)
	for _, ld := range p.sink.Logs() {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					check("log record", lr.Attributes(), wantLog)
				}
			}
		}
	}
	wantPoint := entry("netease_im", intCode(13004)).attrs(t, ix)
	for _, md := range p.sink.Metrics() {
		for _, rm := range md.ResourceMetrics().All() {
			for _, sm := range rm.ScopeMetrics().All() {
				for _, m := range sm.Metrics().All() {
					harness.ForEachDataPoint(m, func(attrs pcommon.Map) { check("data point of "+m.Name(), attrs, wantPoint) })
				}
			}
		}
	}
}

// TestBaselineLeavesRecordsAlone runs the same pipeline without errorcatalog:
// every span arrives and none carries the catalog attributes, so what the
// other tests see is the processor's doing.
func TestBaselineLeavesRecordsAlone(t *testing.T) {
	gen := telemetrygen(t)
	p := startPipeline(t, "e2e-baseline.yaml")
	require.NoError(t, gen.Run(context.Background(), time.Minute, "traces", p.collector.Endpoints.OTLPGRPC,
		"--rate", "0", "--traces", "100", "--telemetry-attributes", `error.code="2601"`))
	harness.Eventually(t, arrival, func() bool { return p.sink.Counts().Spans >= 200 },
		func() string { return fmt.Sprintf("the sink received %d of 200 spans", p.sink.Counts().Spans) })
	assert.Equal(t, harness.Counts{Spans: 200}, p.sink.Counts())
}
