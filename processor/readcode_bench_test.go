package processor

import (
	"context"
	"fmt"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// BenchmarkReadCode compares reading the code attributes with one Get per
// key against one pass over the attributes, for records with and without a
// code, with the default key list (error.code plus one per built-in vendor)
// and longer lists. It sets scanMinKeys.
func BenchmarkReadCode(b *testing.B) {
	cat, err := catalog.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	for _, nkeys := range []int{1, 3, 6, 12, 24} {
		for _, nattrs := range []int{4, 12, 30} {
			for _, withCode := range []bool{false, true} {
				cfg := config.Default()
				for i := range nkeys {
					cfg.CodeAttributes = append(cfg.CodeAttributes, config.CodeAttribute{Key: fmt.Sprintf("vendor%02d.error.code", i)})
				}
				st, err := newState(cfg, cat)
				if err != nil {
					b.Fatal(err)
				}
				attrs := pcommon.NewMap()
				for i := range nattrs {
					attrs.PutStr(fmt.Sprintf("http.attribute.%02d", i), "value")
				}
				if withCode {
					attrs.PutInt(st.codeKeys[nkeys-1].key, 2601)
				}
				scan := buildScanIndexAlways(st.codeKeys)
				name := fmt.Sprintf("keys=%d/attrs=%d/code=%t", nkeys, nattrs, withCode)
				b.Run(name+"/get", func(b *testing.B) {
					st.scanByLen = nil
					for b.Loop() {
						st.readCode(attrs)
					}
				})
				b.Run(name+"/scan", func(b *testing.B) {
					st.scanByLen = scan
					for b.Loop() {
						st.readCode(attrs)
					}
				})
			}
		}
	}
}

func buildScanIndexAlways(keys []codeKey) [][]uint8 {
	maxLen := 0
	for _, k := range keys {
		maxLen = max(maxLen, len(k.key))
	}
	byLen := make([][]uint8, maxLen+1)
	for i, k := range keys {
		byLen[len(k.key)] = append(byLen[len(k.key)], uint8(i))
	}
	return byLen
}

// BenchmarkEnrichLogs measures a batch of 100 log records, each with a
// known code, every default attribute written.
func BenchmarkEnrichLogs(b *testing.B) {
	p, err := New(config.Default(), componenttest.NewNopTelemetrySettings())
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = p.Shutdown(context.Background()) }()
	for _, withCode := range []bool{false, true} {
		b.Run(fmt.Sprintf("code=%t", withCode), func(b *testing.B) {
			ctx := context.Background()
			src := plog.NewLogs()
			lrs := src.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
			for range 100 {
				a := lrs.AppendEmpty().Attributes()
				a.PutStr("http.route", "/v1/users")
				a.PutStr("server.address", "api.speakap.com")
				if withCode {
					a.PutInt("error.code", -3)
				}
			}
			lds := make([]plog.Logs, 0, 1024)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if !withCode {
					// Records without a code are never changed: reuse them.
					_, _ = p.ProcessLogs(ctx, src)
					continue
				}
				if i%1024 == 0 {
					b.StopTimer()
					lds = lds[:0]
					for range 1024 {
						ld := plog.NewLogs()
						src.CopyTo(ld)
						lds = append(lds, ld)
					}
					b.StartTimer()
				}
				_, _ = p.ProcessLogs(ctx, lds[i%1024])
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/record")
		})
	}
}
