package connector

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
)

// floorKey and the floor are the least a counter does: read the same
// attributes, build a comparable key, increment a Go map.
type floorKey struct{ service, vendor, category, class, severity, name, retryable string }

func floorConsume(m map[floorKey]int64, ld plog.Logs) {
	for _, rl := range ld.ResourceLogs().All() {
		res := rl.Resource().Attributes()
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				a := lr.Attributes()
				c, ok := a.Get("error.catalog.category")
				if !ok {
					continue
				}
				var k floorKey
				k.category = c.Str()
				for _, f := range []struct {
					dst *string
					key string
				}{{&k.vendor, "error.catalog.vendor"}, {&k.class, "error.catalog.class"}, {&k.severity, "error.catalog.severity"}, {&k.name, "error.catalog.name"}} {
					if v, ok := a.Get(f.key); ok {
						*f.dst = v.Str()
					}
				}
				if v, ok := a.Get("error.catalog.retryable"); ok {
					k.retryable = v.AsString()
				}
				if v, ok := res.Get("service.name"); ok {
					k.service = v.Str()
				}
				m[k]++
			}
		}
	}
}

// BenchmarkCount measures counting enriched log records of existing
// series against the floor, in turns, and records without
// error.catalog.category alone.
func BenchmarkCount(b *testing.B) {
	ctx := context.Background()
	ld := logsOf("checkout")
	lrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	for i := range 1000 {
		a := lrs.AppendEmpty().Attributes()
		_ = a.FromRaw(enriched())
		if i%2 == 0 {
			a.PutStr("error.catalog.severity", "error")
		}
	}
	plain := logsOf("checkout")
	for range 1000 {
		plain.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().AppendEmpty().Attributes().PutStr("http.route", "/v1/users")
	}
	c := startLogs(nil, Default(), new(consumertest.MetricsSink))
	b.Cleanup(func() { _ = c.Shutdown(ctx) })
	_ = c.ConsumeLogs(ctx, ld)
	m := map[floorKey]int64{}
	b.Run("counted", func(b *testing.B) {
		b.ReportAllocs()
		var ec, fl time.Duration
		for b.Loop() {
			s := time.Now()
			_ = c.ConsumeLogs(ctx, ld)
			ec += time.Since(s)
			s = time.Now()
			floorConsume(m, ld)
			fl += time.Since(s)
		}
		b.ReportMetric(float64(ec.Nanoseconds())/float64(b.N)/1000, "errormetrics-ns/record")
		b.ReportMetric(float64(fl.Nanoseconds())/float64(b.N)/1000, "floor-ns/record")
		b.ReportMetric(float64(ec)/float64(fl), "ratio")
	})
	b.Run("without-category", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = c.ConsumeLogs(ctx, plain)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/record")
	})
}
