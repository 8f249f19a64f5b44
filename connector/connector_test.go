package connector

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/goleak"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"default", func(*Config) {}, ""},
		{"prefix", func(c *Config) { c.Prefix = "ec" }, "prefix: must be non-empty"},
		{"no catalog", func(c *Config) { c.Catalogs.Builtin = false }, "catalogs: no catalog"},
		{"flush interval", func(c *Config) { c.FlushInterval = time.Millisecond }, "flush_interval: 1ms"},
		{"idle timeout", func(c *Config) { c.IdleTimeout = time.Second }, "idle_timeout: 1s is shorter than flush_interval"},
		{"dimension name", func(c *Config) { c.Dimensions = []Dimension{{MaxValues: 3}} }, "dimensions[0].name: required"},
		{"dimension taken", func(c *Config) { c.Dimensions = []Dimension{{Name: "vendor", MaxValues: 3}} }, `dimensions[0].name: "vendor" is a dimension already`},
		{"dimension cap", func(c *Config) { c.Dimensions = []Dimension{{Name: "tenant", MaxValues: 0}} }, "dimensions[0].max_values: 0"},
		{"dimension twice", func(c *Config) {
			c.Dimensions = []Dimension{{Name: "tenant", MaxValues: 3}, {Name: "tenant", MaxValues: 3}}
		}, `dimensions[1].name: duplicate "tenant"`},
		{"max series", func(c *Config) { c.MaxSeries = 0 }, "max_series: 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.edit(c)
			err := c.Validate()
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.want)
		})
	}
	var temp Temporality
	require.ErrorContains(t, temp.UnmarshalText([]byte("sometimes")), `unknown temporality "sometimes"`)
}

// enriched returns the attributes the processor writes for CometChat's
// ERR_UID_NOT_FOUND.
func enriched() map[string]any {
	return map[string]any{
		"error.catalog.vendor": "cometchat", "error.catalog.code": "ERR_UID_NOT_FOUND",
		"error.catalog.name": "User Not Found", "error.catalog.category": "not_found",
		"error.catalog.class": "NOT_FOUND", "error.catalog.severity": "warning", "error.catalog.retryable": false,
	}
}

func logsOf(service string, records ...map[string]any) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	if service != "" {
		rl.Resource().Attributes().PutStr("service.name", service)
	}
	lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
	for _, r := range records {
		if err := lrs.AppendEmpty().Attributes().FromRaw(r); err != nil {
			panic(err)
		}
	}
	return ld
}

// points returns every data point of errorcatalog.errors in mds, as
// "service|instance|attrs" → value.
func points(mds []pmetric.Metrics) map[string]int64 {
	out := map[string]int64{}
	for _, md := range mds {
		for _, rm := range md.ResourceMetrics().All() {
			svcName := ""
			if svc, ok := rm.Resource().Attributes().Get("service.name"); ok {
				svcName = svc.Str()
			}
			for _, sm := range rm.ScopeMetrics().All() {
				for _, m := range sm.Metrics().All() {
					if m.Name() != MetricName {
						continue
					}
					for _, dp := range m.Sum().DataPoints().All() {
						out[fmt.Sprintf("%s|%v", svcName, dp.Attributes().AsRaw())] += dp.IntValue()
					}
				}
			}
		}
	}
	return out
}

func startLogs(t testing.TB, cfg *Config, sink *consumertest.MetricsSink) *errorMetrics {
	set := connectortest.NewNopSettings(Type)
	set.Resource.Attributes().PutStr("service.instance.id", "replica-a")
	c, err := NewFactory().CreateLogsToMetrics(context.Background(), set, cfg, sink)
	if err != nil {
		panic(err)
	}
	if err := c.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		panic(err)
	}
	return c.(*errorMetrics)
}

// TestCountsLogsAndSpans counts enriched log records, spans and span
// events, and nothing else, and exports them on shutdown.
func TestCountsLogsAndSpans(t *testing.T) {
	ctx := context.Background()
	sink := new(consumertest.MetricsSink)
	cfg := Default()
	c := startLogs(t, cfg, sink)
	require.NoError(t, c.ConsumeLogs(ctx, logsOf("checkout", enriched(), enriched(), map[string]any{"http.route": "/"},
		map[string]any{"error.catalog.category": "unknown", "error.catalog.class": "UNKNOWN"})))
	require.NoError(t, c.Shutdown(ctx))
	require.NoError(t, c.Shutdown(ctx), "a second Shutdown does nothing")
	assert.Equal(t, map[string]int64{
		"checkout|map[category:not_found class:NOT_FOUND name:User Not Found retryable:false severity:warning signal:logs vendor:cometchat]": 2,
		"checkout|map[category:unknown class:UNKNOWN signal:logs]":                                                                           1,
	}, points(sink.AllMetrics()))
	res := sink.AllMetrics()[0].ResourceMetrics().At(0).Resource().Attributes()
	id, _ := res.Get("service.instance.id")
	assert.Equal(t, "replica-a", id.Str(), "each replica writes its own series")

	tsink := new(consumertest.MetricsSink)
	set := connectortest.NewNopSettings(Type)
	tc, err := NewFactory().CreateTracesToMetrics(ctx, set, cfg, tsink)
	require.NoError(t, err)
	require.NoError(t, tc.Start(ctx, componenttest.NewNopHost()))
	td := ptrace.NewTraces()
	span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	require.NoError(t, span.Attributes().FromRaw(enriched()))
	require.NoError(t, span.Events().AppendEmpty().Attributes().FromRaw(enriched()))
	span.Events().AppendEmpty().Attributes().PutStr("exception.message", "no code")
	require.NoError(t, tc.ConsumeTraces(ctx, td))
	require.NoError(t, tc.Shutdown(ctx))
	got := points(tsink.AllMetrics())
	assert.Len(t, got, 2)
	for k, v := range got {
		assert.Equal(t, int64(1), v, k)
	}
}

// TestTemporality flushes twice: cumulative points keep counting from
// their start, delta points count since the last flush.
func TestTemporality(t *testing.T) {
	for _, temp := range []Temporality{Cumulative, Delta} {
		t.Run(string(temp), func(t *testing.T) {
			cfg := Default()
			cfg.Temporality = temp
			a := newAggregator(cfg, "i", boundsForTest(t))
			n := newNames(cfg.Prefix)
			k, ok := a.key(&n, mapOf(enriched()), pcommon.NewMap(), "logs")
			require.True(t, ok)
			now := time.Now()
			a.add(k, now)
			a.add(k, now)
			first, _, _ := a.flush(now.Add(time.Second))
			a.add(k, now.Add(2*time.Second))
			second, _, _ := a.flush(now.Add(3 * time.Second))
			dps1 := first.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Sum().DataPoints()
			dp1 := dps1.At(dps1.Len() - 1)
			dp2 := second.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Sum().DataPoints().At(0)
			if temp == Cumulative {
				require.Equal(t, 2, dps1.Len(), "a new cumulative series is first exported with a zero at its start")
				zero := dps1.At(0)
				assert.Zero(t, zero.IntValue())
				assert.Equal(t, zero.StartTimestamp(), zero.Timestamp())
				assert.Equal(t, zero.Attributes().AsRaw(), dp1.Attributes().AsRaw())
				assert.Equal(t, 1, second.DataPointCount(), "then one point a flush")
			}
			assert.Equal(t, int64(2), dp1.IntValue())
			if temp == Cumulative {
				assert.Equal(t, int64(3), dp2.IntValue())
				assert.Equal(t, dp1.StartTimestamp(), dp2.StartTimestamp(), "a cumulative series keeps its start")
			} else {
				assert.Equal(t, int64(1), dp2.IntValue())
				assert.Equal(t, dp1.Timestamp(), dp2.StartTimestamp(), "a delta point starts at the previous flush")
				third, _, _ := a.flush(now.Add(4 * time.Second))
				assert.Zero(t, third.DataPointCount(), "a delta series with nothing new is not exported")
			}
		})
	}
}

// TestIdleSeriesExpire drops a cumulative series not counted for longer
// than the idle timeout, and frees its service's place under the cap.
func TestIdleSeriesExpire(t *testing.T) {
	cfg := Default()
	cfg.IdleTimeout = time.Minute
	cfg.MaxServices = 1
	a := newAggregator(cfg, "i", boundsForTest(t))
	n := newNames(cfg.Prefix)
	now := time.Now()
	res := func(s string) pcommon.Map { m := pcommon.NewMap(); m.PutStr("service.name", s); return m }
	k, _ := a.key(&n, mapOf(enriched()), res("a"), "logs")
	a.add(k, now)
	md, _, _ := a.flush(now.Add(30 * time.Second))
	assert.Equal(t, 2, md.DataPointCount(), "the series' zero and its count")
	md, _, _ = a.flush(now.Add(2 * time.Minute))
	assert.Zero(t, md.DataPointCount(), "idle for longer than idle_timeout")
	k, _ = a.key(&n, mapOf(enriched()), res("b"), "logs")
	a.add(k, now.Add(2*time.Minute))
	md, collapsed, _ := a.flush(now.Add(3 * time.Minute))
	assert.Empty(t, collapsed, "service a's place was freed")
	svc, _ := md.ResourceMetrics().At(0).Resource().Attributes().Get("service.name")
	assert.Equal(t, "b", svc.Str())
}

// TestCaps collapses values beyond a dimension's cap into "_other" and
// counts the collapse; beyond max_series, records go to one overflow
// series.
func TestCaps(t *testing.T) {
	cfg := Default()
	cfg.Dimensions = []Dimension{{Name: "tenant", MaxValues: 2}}
	a := newAggregator(cfg, "i", boundsForTest(t))
	n := newNames(cfg.Prefix)
	now := time.Now()
	for _, tenant := range []string{"t1", "t2", "t3", "t4", "t1"} {
		attrs := mapOf(enriched())
		attrs.PutStr("tenant", tenant)
		k, _ := a.key(&n, attrs, pcommon.NewMap(), "logs")
		a.add(k, now)
	}
	md, collapsed, _ := a.flush(now)
	got := points([]pmetric.Metrics{md})
	tenants := map[string]int64{}
	for k, v := range got {
		for _, t := range []string{"t1", "t2", "_other"} {
			if contains(k, "tenant:"+t+" ") || contains(k, "tenant:"+t+"]") {
				tenants[t] += v
			}
		}
	}
	assert.Equal(t, map[string]int64{"t1": 2, "t2": 1, "_other": 2}, tenants)
	assert.Equal(t, map[string]int64{"tenant": 2}, collapsed)

	cfg = Default()
	cfg.MaxSeries = 2
	a = newAggregator(cfg, "i", boundsForTest(t))
	for _, sev := range []string{"info", "warning", "error", "critical"} {
		attrs := mapOf(enriched())
		attrs.PutStr("error.catalog.severity", sev)
		k, _ := a.key(&n, attrs, pcommon.NewMap(), "logs")
		a.add(k, now)
	}
	md, _, overflowed := a.flush(now)
	assert.Equal(t, 3, md.DataPointCount(), "two series and the overflow series (flushed at their start: no zero)")
	assert.Equal(t, int64(2), overflowed)
}

// TestForgedValuesStayBounded sends 100,000 records whose prefixed
// attributes the processor did not write, every value distinct: they are
// counted under "_other", and the series stay few.
func TestForgedValuesStayBounded(t *testing.T) {
	ctx := context.Background()
	sink := new(consumertest.MetricsSink)
	c := startLogs(t, Default(), sink)
	const n = 100_000
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i := range n {
		a := lrs.AppendEmpty().Attributes()
		v := fmt.Sprintf("forged-%d", i)
		a.PutStr("error.catalog.category", v)
		a.PutStr("error.catalog.class", v)
		a.PutStr("error.catalog.severity", v)
		a.PutStr("error.catalog.vendor", v)
		a.PutStr("error.catalog.name", v)
		a.PutStr("error.catalog.retryable", v)
	}
	require.NoError(t, c.ConsumeLogs(ctx, ld))
	require.NoError(t, c.Shutdown(ctx))
	got := points(sink.AllMetrics())
	assert.Equal(t, map[string]int64{
		"|map[category:_other class:_other name:_other retryable:_other severity:_other signal:logs vendor:_other]": n,
	}, got)
}

// TestNoAllocationOnceSeriesExists counts records of an existing series
// without allocating.
func TestNoAllocationOnceSeriesExists(t *testing.T) {
	ctx := context.Background()
	c := startLogs(t, Default(), new(consumertest.MetricsSink))
	defer func() { require.NoError(t, c.Shutdown(ctx)) }()
	ld := logsOf("checkout", enriched(), enriched(), map[string]any{"http.route": "/"})
	require.NoError(t, c.ConsumeLogs(ctx, ld))
	allocs := testing.AllocsPerRun(100, func() { _ = c.ConsumeLogs(ctx, ld) })
	assert.Zero(t, allocs)
}

func boundsForTest(t *testing.T) *bounds {
	t.Helper()
	cat, err := catalog.Builtin()
	require.NoError(t, err)
	return newBounds(cat)
}

func mapOf(raw map[string]any) pcommon.Map {
	m := pcommon.NewMap()
	if err := m.FromRaw(raw); err != nil {
		panic(err)
	}
	return m
}

func contains(s, sub string) bool { return len(s) >= len(sub) && indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestConfigFromYAML(t *testing.T) {
	conf := confmap.NewFromStringMap(map[string]any{
		"prefix":         "ec.",
		"temporality":    "delta",
		"flush_interval": "30s",
		"dimensions":     []any{map[string]any{"name": "tenant.id", "max_values": 50}},
	})
	cfg := Default()
	require.NoError(t, conf.Unmarshal(cfg))
	require.NoError(t, cfg.Validate())
	assert.Equal(t, Delta, cfg.Temporality)
	assert.Equal(t, 30*time.Second, cfg.FlushInterval)
	assert.Equal(t, []Dimension{{Name: "tenant.id", MaxValues: 50}}, cfg.Dimensions)
	assert.Equal(t, "ec.", cfg.Prefix)

	bad := confmap.NewFromStringMap(map[string]any{"temporality": "sometimes"})
	require.ErrorContains(t, bad.Unmarshal(Default()), `unknown temporality "sometimes"`)
	unknown := confmap.NewFromStringMap(map[string]any{"flush": "1s"})
	require.ErrorContains(t, unknown.Unmarshal(Default()), "flush")
}
