package processor

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/errorcatalog/errorcatalogprocessor/config"
	"github.com/errorcatalog/errorcatalogprocessor/internal/metadata"
)

// builtinEntries is the number of entries of the built-in catalog, and
// acmeEntries those of testdata/catalogs/acme.yaml.
const (
	builtinEntries = 40 + 201 + 116 + 50 + 53
	acmeEntries    = 2
)

func TestTelemetry(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	cfg := config.Default()
	cfg.Catalogs.Files = []string{"../testdata/catalogs/acme.yaml"}
	p := startProcessor(t, cfg, tel.NewTelemetrySettings())
	ctx := context.Background()

	_, err := p.processLogs(ctx, logsWith(
		map[string]any{"zingle.error.code": 2601},
		map[string]any{"zingle.error.code": 2601},
		map[string]any{"zingle.error.code": "2601"},
		map[string]any{"error.code": true, "zingle.error.code": 2601}, // one non-code value skipped
		map[string]any{"error.code": 2602, "error.vendor": 7},         // one non-vendor value skipped; inferred
		map[string]any{"speakap.error.code": -999},                    // unknown code of a known vendor
		map[string]any{"error.code": 123456},                          // unknown code, no vendor
		map[string]any{"error.code": 2601, "error.vendor": "twilio"},  // a vendor the catalog lacks
		map[string]any{"error.code": 2601},                            // zingle and acme: ambiguous
		map[string]any{"error.code": []any{1}},                        // not a code: skipped, untouched
		map[string]any{"http.route": "/v1"},                           // no code: nothing counted
	))
	require.NoError(t, err)
	_, err = p.processTraces(ctx, tracesWith(map[string]any{"error.code": "ERR_UID_NOT_FOUND"}))
	require.NoError(t, err)

	assert.Equal(t, map[string]int64{
		"category=authentication,signal=logs,vendor=zingle": 4,
		"category=authorization,signal=logs,vendor=zingle":  1,
		"category=unknown,signal=logs,vendor=speakap":       1,
		"category=unknown,signal=logs,vendor=unknown":       3,
		"category=not_found,signal=traces,vendor=cometchat": 1,
	}, counts(t, tel, metadata.MetricRecordsEnriched))
	assert.Equal(t, map[string]int64{
		"vendor=speakap": 1,
		"vendor=unknown": 2,
	}, counts(t, tel, metadata.MetricCodesUnknown))
	assert.Equal(t, map[string]int64{"": 1}, counts(t, tel, metadata.MetricCodesAmbiguous))
	assert.Equal(t, map[string]int64{
		"reason=non_code_value":   2,
		"reason=non_vendor_value": 1,
	}, counts(t, tel, metadata.MetricValuesSkipped))
	assert.Equal(t, map[string]int64{"": builtinEntries + acmeEntries}, counts(t, tel, metadata.MetricCatalogEntries))
	assert.Empty(t, counts(t, tel, metadata.MetricCatalogReloads), "no reload without reload_interval")
}

// TestTelemetryManyCombinations checks that a batch with more distinct
// (vendor, category) pairs than the batch keeps slots for still counts
// every record.
func TestTelemetryManyCombinations(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	p := startProcessor(t, config.Default(), tel.NewTelemetrySettings())

	// Speakap codes -1 .. -34 cover 8 categories; netease and zingle add
	// more, and each unknown code of a bound vendor adds an unknown slot.
	var records []map[string]any
	want := map[string]int64{}
	for i := 1; i <= 34; i++ {
		records = append(records, map[string]any{"speakap.error.code": -i})
	}
	for _, c := range []int{200, 408, 416, 418, 500} {
		records = append(records, map[string]any{"netease_im.error.code": c})
	}
	for _, v := range []string{"speakap", "zingle", "netease_im", "cometchat", "fonedynamics"} {
		for range 3 {
			records = append(records, map[string]any{v + ".error.code": 987654321})
		}
	}
	ld := logsWith(records...)
	_, err := p.processLogs(context.Background(), ld)
	require.NoError(t, err)
	for _, attrs := range logAttrs(ld) {
		want[fmt.Sprintf("category=%s,signal=logs,vendor=%s", str(attrs, "error.catalog.category"), str(attrs, "error.catalog.vendor"))]++
	}
	require.Greater(t, len(want), batchSlots)
	assert.Equal(t, want, counts(t, tel, metadata.MetricRecordsEnriched))
	unknown := counts(t, tel, metadata.MetricCodesUnknown)
	assert.Len(t, unknown, 5)
	for v, n := range unknown {
		assert.Equal(t, int64(3), n, v)
	}
}

// TestTelemetryEveryMetricType checks that data points of every metric
// type are counted under signal=metrics.
func TestTelemetryEveryMetricType(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	p := startProcessor(t, config.Default(), tel.NewTelemetrySettings())

	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	ms.AppendEmpty().SetEmptyGauge().DataPoints().AppendEmpty().Attributes().PutInt("zingle.error.code", 2601)
	ms.AppendEmpty().SetEmptySum().DataPoints().AppendEmpty().Attributes().PutInt("zingle.error.code", 2601)
	ms.AppendEmpty().SetEmptyHistogram().DataPoints().AppendEmpty().Attributes().PutInt("zingle.error.code", 2601)
	ms.AppendEmpty().SetEmptyExponentialHistogram().DataPoints().AppendEmpty().Attributes().PutInt("zingle.error.code", 2601)
	ms.AppendEmpty().SetEmptySummary().DataPoints().AppendEmpty().Attributes().PutInt("zingle.error.code", 2601)
	ms.AppendEmpty().SetEmptyGauge().DataPoints().AppendEmpty().Attributes().PutStr("http.route", "/")
	_, err := p.processMetrics(context.Background(), md)
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{
		"category=authentication,signal=metrics,vendor=zingle": 5,
	}, counts(t, tel, metadata.MetricRecordsEnriched))
}
