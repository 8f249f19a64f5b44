package processor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// startProcessor returns a started processor for cfg, shut down when the
// test ends.
func startProcessor(t testing.TB, cfg *config.Config, set component.TelemetrySettings) *catalogProcessor {
	t.Helper()
	p, err := newCatalogProcessor(cfg, set)
	require.NoError(t, err)
	require.NoError(t, p.start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, p.shutdown(context.Background())) })
	return p
}

// logsWith returns logs with one record per attribute map.
func logsWith(records ...map[string]any) plog.Logs {
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for _, r := range records {
		if err := lrs.AppendEmpty().Attributes().FromRaw(r); err != nil {
			panic(err)
		}
	}
	return ld
}

// logAttrs returns the attributes of every record of ld, in order.
func logAttrs(ld plog.Logs) []pcommon.Map {
	var out []pcommon.Map
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				out = append(out, lr.Attributes())
			}
		}
	}
	return out
}

// tracesWith returns traces with one span per attribute map.
func tracesWith(spans ...map[string]any) ptrace.Traces {
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for _, s := range spans {
		if err := ss.AppendEmpty().Attributes().FromRaw(s); err != nil {
			panic(err)
		}
	}
	return td
}

// str returns the string value of attrs[key], or "" when absent.
func str(attrs pcommon.Map, key string) string {
	if v, ok := attrs.Get(key); ok {
		return v.AsString()
	}
	return ""
}

// counts returns the value of every data point of an int64 sum or gauge
// metric, keyed by its encoded attribute set ("category=x,signal=y").
// A metric that was never recorded gives an empty map.
func counts(t testing.TB, tel *componenttest.Telemetry, name string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	m, err := tel.GetMetric(name)
	if err != nil {
		return out
	}
	enc := attribute.DefaultEncoder()
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		require.True(t, d.IsMonotonic, name)
		for _, dp := range d.DataPoints {
			out[dp.Attributes.Encoded(enc)] = dp.Value
		}
	case metricdata.Gauge[int64]:
		for _, dp := range d.DataPoints {
			out[dp.Attributes.Encoded(enc)] = dp.Value
		}
	default:
		t.Fatalf("%s: unexpected data %T", name, m.Data)
	}
	return out
}
