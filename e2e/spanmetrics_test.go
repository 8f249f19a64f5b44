package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/otel/attribute"

	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// TestSpanMetricsByCategory checks the pipeline dashboards are built on:
// errorcatalog ahead of the spanmetrics connector, call counts split by the
// enriched category.
func TestSpanMetricsByCategory(t *testing.T) {
	p := startPipeline(t, "e2e-spanmetrics.yaml")
	sdk := p.newSDK(t, harness.Traces)
	tracer := sdk.TracerProvider.Tracer("e2e")
	send := func(n int, attrs ...attribute.KeyValue) {
		for range n {
			_, span := tracer.Start(context.Background(), "POST /messages")
			span.SetAttributes(attrs...)
			span.End()
		}
	}
	send(3, i64("error.code", 2601), str("error.vendor", "zingle"))
	send(2, str("server.address", "api.cometchat.io"), str("error.code", "ERR_UID_NOT_FOUND"))
	send(1, i64("error.code", 808), str("error.vendor", "netease"))
	send(4) // no code: counted without the catalog dimensions
	flush(t, sdk)

	want := map[string]int64{"authentication": 3, "not_found": 2, "success": 1, "": 4}
	var got map[string]int64
	harness.Eventually(t, arrival, func() bool {
		got = callsByCategory(p.sink.Metrics())
		for k, v := range want {
			if got[k] != v {
				return false
			}
		}
		return true
	}, func() string {
		return fmt.Sprintf("calls by error.catalog.category: got %v, want %v", got, want)
	})
	assert.Equal(t, want, got)
}

// callsByCategory returns the latest cumulative value of the spanmetrics
// calls counter for each error.catalog.category ("" for spans without one).
func callsByCategory(all []pmetric.Metrics) map[string]int64 {
	out := map[string]int64{}
	for _, md := range all {
		for _, rm := range md.ResourceMetrics().All() {
			for _, sm := range rm.ScopeMetrics().All() {
				for _, m := range sm.Metrics().All() {
					if m.Name() != "traces.span.metrics.calls" || m.Type() != pmetric.MetricTypeSum {
						continue
					}
					for _, dp := range m.Sum().DataPoints().All() {
						cat := ""
						if v, ok := dp.Attributes().Get(prefix + "category"); ok {
							cat = v.Str()
						}
						// Cumulative: later flushes carry the running total.
						out[cat] = max(out[cat], dp.IntValue())
					}
				}
			}
		}
	}
	return out
}
