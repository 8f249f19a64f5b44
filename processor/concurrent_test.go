package processor

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/errorcatalog/errorcatalogprocessor/config"
	"github.com/errorcatalog/errorcatalogprocessor/internal/metadata"
)

// TestConcurrentSignals calls one processor from several goroutines at
// once, on every signal, as a collector with several pipelines and
// receivers does. Run with -race; every record must come out enriched and
// every count must add up.
func TestConcurrentSignals(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	p := startProcessor(t, config.Default(), tel.NewTelemetrySettings())

	const goroutines = 8
	const batches = 50
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range batches {
				switch g % 3 {
				case 0:
					td := tracesWith(
						map[string]any{"zingle.error.code": 2601},
						map[string]any{"error.code": "err_uid_not_found"},
					)
					out, err := p.processTraces(ctx, td)
					assert.NoError(t, err)
					spans := out.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
					assert.Equal(t, "authentication", str(spans.At(0).Attributes(), "error.catalog.category"))
					assert.Equal(t, "not_found", str(spans.At(1).Attributes(), "error.catalog.category"))
				case 1:
					ld := logsWith(
						map[string]any{"error.code": -5, "error.vendor": "speakap"},
						map[string]any{"error.code": 123456},
					)
					out, err := p.processLogs(ctx, ld)
					assert.NoError(t, err)
					attrs := logAttrs(out)
					assert.Equal(t, "server", str(attrs[0], "error.catalog.category"))
					assert.Equal(t, "unknown", str(attrs[1], "error.catalog.category"))
				case 2:
					md := pmetric.NewMetrics()
					dp := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty().SetEmptySum().DataPoints().AppendEmpty()
					dp.Attributes().PutStr("error.code", "RECORD_NOT_FOUND")
					out, err := p.processMetrics(ctx, md)
					assert.NoError(t, err)
					got := out.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Sum().DataPoints().At(0).Attributes()
					assert.Equal(t, "fonedynamics", str(got, "error.catalog.vendor"))
				}
			}
		}()
	}
	wg.Wait()

	// Goroutines 0, 3, 6 send traces; 1, 4, 7 logs; 2, 5 metrics.
	assert.Equal(t, map[string]int64{
		"category=authentication,signal=traces,vendor=zingle":   3 * batches,
		"category=not_found,signal=traces,vendor=cometchat":     3 * batches,
		"category=server,signal=logs,vendor=speakap":            3 * batches,
		"category=unknown,signal=logs,vendor=unknown":           3 * batches,
		"category=not_found,signal=metrics,vendor=fonedynamics": 2 * batches,
	}, counts(t, tel, metadata.MetricRecordsEnriched))
	assert.Equal(t, map[string]int64{"vendor=unknown": 3 * batches}, counts(t, tel, metadata.MetricCodesUnknown))
}
