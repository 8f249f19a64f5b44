package e2e

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

const arrival = 30 * time.Second

// recordCase is one span, log record or data point sent with attrs, and what
// the collector must export for it.
type recordCase struct {
	name  string
	attrs []attribute.KeyValue
	want  outcome
}

var (
	str = attribute.String
	i64 = attribute.Int64
)

// recordCases hold for spans, log records and data points alike: every signal
// is enriched from its own attributes by the same rules.
var recordCases = []recordCase{
	{"vendor attribute, int code", []attribute.KeyValue{i64("error.code", 2601), str("error.vendor", "zingle")}, entry("zingle", intCode(2601))},
	{"vendor alias, any case", []attribute.KeyValue{i64("error.code", 403), str("error.vendor", "YunXin")}, entry("netease_im", intCode(403))},
	{"host attribute, string code", []attribute.KeyValue{str("server.address", "api.cometchat.io"), str("error.code", "ERR_UID_NOT_FOUND")}, entry("cometchat", strCode("ERR_UID_NOT_FOUND"))},
	{"host parsed from url.full", []attribute.KeyValue{str("url.full", "https://app.api-us.cometchat.io:443/v3/users/u1"), str("error.code", "ERR_UID_NOT_FOUND")}, entry("cometchat", strCode("ERR_UID_NOT_FOUND"))},
	{"symbolic code in another case, padded", []attribute.KeyValue{str("error.vendor", "cometchat"), str("error.code", "  err_plan_quota_restriction ")}, entry("cometchat", strCode("ERR_PLAN_QUOTA_RESTRICTION"))},
	{"code in a string", []attribute.KeyValue{str("error.vendor", "zingle"), str("error.code", "2606")}, entry("zingle", intCode(2606))},
	{"integral double", []attribute.KeyValue{str("error.vendor", "zingle"), attribute.Float64("error.code", 2601)}, entry("zingle", intCode(2601))},
	{"vendor-bound code attribute", []attribute.KeyValue{str("fonedynamics.error.code", "INVALID_SMS_TEXT")}, entry("fonedynamics", strCode("INVALID_SMS_TEXT"))},
	{"inferred: 403 is only NetEase's", []attribute.KeyValue{i64("error.code", 403)}, entry("netease_im", intCode(403))},
	{"inferred, with documented HTTP status", []attribute.KeyValue{i64("error.code", -3)}, entry("speakap", intCode(-3))},
	{"unmatched host falls through to inference", []attribute.KeyValue{str("server.address", "api.example.com"), i64("error.code", 2601)}, entry("zingle", intCode(2601))},
	{"success code", []attribute.KeyValue{str("error.vendor", "netease"), i64("error.code", 200)}, entry("netease_im", intCode(200))},
	{"non-code value skipped, next key read", []attribute.KeyValue{attribute.Bool("error.code", true), i64("netease_im.error.code", 13004)}, entry("netease_im", intCode(13004))},
	{"stale attributes under the prefix replaced", []attribute.KeyValue{str("error.vendor", "zingle"), i64("error.code", 2601), str("error.catalog.description", "stale"), str("error.catalog.team", "payments"), str("error.catalog.name", "forged")}, entry("zingle", intCode(2601))},
	{"unknown vendor: no inference", []attribute.KeyValue{str("error.vendor", "zingel"), i64("error.code", 2601)}, miss("")},
	{"code the vendor does not document", []attribute.KeyValue{str("error.vendor", "zingle"), i64("error.code", 9999)}, miss("zingle")},
	{"code in no catalog", []attribute.KeyValue{i64("error.code", 123456789)}, miss("")},
	{"fraction is not a code", []attribute.KeyValue{str("error.vendor", "zingle"), attribute.Float64("error.code", 2601.5)}, none()},
	{"no code, prefix left alone", []attribute.KeyValue{str("error.vendor", "zingle"), str("error.catalog.name", "kept")}, none()},
}

// TestContractFacts pins a few values of the public contract that the rest
// of the suite takes from the catalog, so a catalog change that would break
// dashboards cannot pass unnoticed.
func TestContractFacts(t *testing.T) {
	ix := builtinIndex(t)
	for _, tc := range []struct {
		vendor string
		code   catalog.Code
		want   map[string]any
	}{
		{"zingle", intCode(2601), map[string]any{"category": "authentication", "class": "UNAUTHENTICATED", "retryable": false}},
		{"cometchat", strCode("ERR_UID_NOT_FOUND"), map[string]any{"category": "not_found", "class": "NOT_FOUND", "code": "ERR_UID_NOT_FOUND"}},
		{"speakap", intCode(-3), map[string]any{"http_status": int64(403)}},
		{"netease_im", intCode(200), map[string]any{"category": "success", "class": "OK", "severity": "info", "retryable": false}},
	} {
		got := entry(tc.vendor, tc.code).attrs(t, ix)
		for k, v := range tc.want {
			assert.Equal(t, v, got[prefix+k], "%s %v %s", tc.vendor, tc.code, k)
		}
	}
	// Inference premises the cases above rely on.
	for _, c := range []catalog.Code{intCode(403), intCode(-3), intCode(2601), intCode(13004)} {
		_, n := ix.Infer(c)
		assert.Equal(t, 1, n, "code %v must be in exactly one built-in catalog", c)
	}
}

func TestEnrichSpans(t *testing.T) {
	ix := builtinIndex(t)
	p := startPipeline(t, "e2e.yaml")
	sdk := p.newSDK(t, harness.Traces)
	tracer := sdk.TracerProvider.Tracer("e2e")
	for _, tc := range recordCases {
		_, span := tracer.Start(context.Background(), tc.name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(tc.attrs...))
		span.End()
	}
	// An exception event carries the code; the vendor hint is on its span.
	_, span := tracer.Start(context.Background(), "exception event, vendor from its span",
		trace.WithAttributes(str("error.vendor", "comet_chat")))
	span.RecordError(errors.New("group not found"), trace.WithAttributes(str("error.code", "ERR_GUID_NOT_FOUND")))
	span.End()
	// The resource names the vendor for every span of the service.
	res := p.newSDK(t, harness.Traces, str("error.vendor", "yunxin"))
	_, span = res.TracerProvider.Tracer("e2e").Start(context.Background(), "vendor from the resource",
		trace.WithAttributes(i64("error.code", 414)))
	span.End()
	flush(t, sdk)
	flush(t, res)

	want := len(recordCases) + 2
	harness.Eventually(t, arrival, func() bool { return p.sink.Counts().Spans >= int64(want) },
		func() string { return fmt.Sprintf("the sink received %d of %d spans", p.sink.Counts().Spans, want) })
	spans := spansByName(t, p.sink.Traces())
	require.Len(t, spans, want)

	for _, tc := range recordCases {
		t.Run(tc.name, func(t *testing.T) {
			sp, ok := spans[tc.name]
			require.True(t, ok, "span not exported")
			got, other := split(sp.Attributes())
			assert.Equal(t, tc.want.attrs(t, ix, tc.attrs...), got, "attributes under %s", prefix)
			assert.Equal(t, sentOther(tc.attrs), other, "attributes outside %s must pass unchanged", prefix)
			assert.Equal(t, ptrace.StatusCodeUnset, sp.Status().Code(), "span_status is off by default")
		})
	}
	t.Run("exception event", func(t *testing.T) {
		sp := spans["exception event, vendor from its span"]
		got, _ := split(sp.Attributes())
		assert.Empty(t, got, "the span itself carries no code")
		require.Equal(t, 1, sp.Events().Len())
		ev := sp.Events().At(0)
		assert.Equal(t, "exception", ev.Name())
		got, other := split(ev.Attributes())
		assert.Equal(t, entry("cometchat", strCode("ERR_GUID_NOT_FOUND")).attrs(t, ix), got)
		assert.Equal(t, "group not found", other["exception.message"])
	})
	t.Run("resource vendor hint", func(t *testing.T) {
		got, _ := split(spans["vendor from the resource"].Attributes())
		assert.Equal(t, entry("netease_im", intCode(414)).attrs(t, ix), got)
	})
}

func TestEnrichLogs(t *testing.T) {
	ix := builtinIndex(t)
	p := startPipeline(t, "e2e.yaml")
	sdk := p.newSDK(t, harness.Logs)
	logger := sdk.LoggerProvider.Logger("e2e")
	for _, tc := range recordCases {
		var r otellog.Record
		r.SetTimestamp(time.Now())
		r.SetSeverity(otellog.SeverityWarn)
		r.SetBody(attribute.StringValue(tc.name))
		r.AddAttributes(tc.attrs...)
		logger.Emit(context.Background(), r)
	}
	flush(t, sdk)

	harness.Eventually(t, arrival, func() bool { return p.sink.Counts().LogRecords >= int64(len(recordCases)) },
		func() string {
			return fmt.Sprintf("the sink received %d of %d log records", p.sink.Counts().LogRecords, len(recordCases))
		})
	records := logsByBody(t, p.sink.Logs())
	require.Len(t, records, len(recordCases))
	for _, tc := range recordCases {
		t.Run(tc.name, func(t *testing.T) {
			lr, ok := records[tc.name]
			require.True(t, ok, "log record not exported")
			got, other := split(lr.Attributes())
			assert.Equal(t, tc.want.attrs(t, ix, tc.attrs...), got, "attributes under %s", prefix)
			assert.Equal(t, sentOther(tc.attrs), other, "attributes outside %s must pass unchanged", prefix)
			assert.Equal(t, plog.SeverityNumberWarn, lr.SeverityNumber(), "log_severity is off by default")
		})
	}
}

func TestEnrichMetrics(t *testing.T) {
	ix := builtinIndex(t)
	p := startPipeline(t, "e2e.yaml")
	sdk := p.newSDK(t, harness.Metrics)
	meter := sdk.MeterProvider.Meter("e2e")
	ctx := context.Background()
	counter, err := meter.Int64Counter("e2e.counter")
	require.NoError(t, err)
	updown, err := meter.Int64UpDownCounter("e2e.updown")
	require.NoError(t, err)
	hist, err := meter.Float64Histogram("e2e.histogram")
	require.NoError(t, err)
	gauge, err := meter.Float64Gauge("e2e.gauge")
	require.NoError(t, err)
	names := []string{"e2e.counter", "e2e.updown", "e2e.histogram", "e2e.gauge"}
	for _, tc := range recordCases {
		attrs := metric.WithAttributes(append([]attribute.KeyValue{str("e2e.case", tc.name)}, tc.attrs...)...)
		counter.Add(ctx, 1, attrs)
		updown.Add(ctx, -1, attrs)
		hist.Record(ctx, 12.5, attrs)
		gauge.Record(ctx, 3, attrs)
	}
	flush(t, sdk)

	want := len(names) * len(recordCases)
	harness.Eventually(t, arrival, func() bool { return p.sink.Counts().DataPoints >= int64(want) },
		func() string {
			return fmt.Sprintf("the sink received %d of %d data points", p.sink.Counts().DataPoints, want)
		})
	points := dataPointsByCase(t, p.sink.Metrics())
	for _, name := range names {
		for _, tc := range recordCases {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				attrs, ok := points[name][tc.name]
				require.True(t, ok, "data point not exported")
				got, other := split(attrs)
				assert.Equal(t, tc.want.attrs(t, ix, tc.attrs...), got, "attributes under %s", prefix)
				assert.Equal(t, sentOther(append([]attribute.KeyValue{str("e2e.case", tc.name)}, tc.attrs...)), other)
			})
		}
	}
}

// spansByName indexes every exported span by name; a name seen twice fails
// the test (a record duplicated on the way).
func spansByName(t *testing.T, all []ptrace.Traces) map[string]ptrace.Span {
	t.Helper()
	m := map[string]ptrace.Span{}
	for _, td := range all {
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, sp := range ss.Spans().All() {
					_, dup := m[sp.Name()]
					require.False(t, dup, "span %q exported twice", sp.Name())
					m[sp.Name()] = sp
				}
			}
		}
	}
	return m
}

func logsByBody(t *testing.T, all []plog.Logs) map[string]plog.LogRecord {
	t.Helper()
	m := map[string]plog.LogRecord{}
	for _, ld := range all {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					body := lr.Body().AsString()
					_, dup := m[body]
					require.False(t, dup, "log record %q exported twice", body)
					m[body] = lr
				}
			}
		}
	}
	return m
}

// dataPointsByCase indexes data point attributes by metric name and e2e.case.
func dataPointsByCase(t *testing.T, all []pmetric.Metrics) map[string]map[string]pcommon.Map {
	t.Helper()
	m := map[string]map[string]pcommon.Map{}
	for _, md := range all {
		for _, rm := range md.ResourceMetrics().All() {
			for _, sm := range rm.ScopeMetrics().All() {
				for _, metric := range sm.Metrics().All() {
					if m[metric.Name()] == nil {
						m[metric.Name()] = map[string]pcommon.Map{}
					}
					harness.ForEachDataPoint(metric, func(attrs pcommon.Map) {
						c, ok := attrs.Get("e2e.case")
						require.True(t, ok, "data point of %s without e2e.case", metric.Name())
						key := c.Str()
						_, dup := m[metric.Name()][key]
						require.False(t, dup, fmt.Sprintf("%s data point %q exported twice", metric.Name(), key))
						m[metric.Name()][key] = attrs
					})
				}
			}
		}
	}
	return m
}
