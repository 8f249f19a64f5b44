package processor

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/pmetrictest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// goldenDir holds one directory per scenario: input-<signal>.yaml, the
// expected-<signal>.yaml the processor must turn it into, and, where the
// scenario's options differ from the defaults, a config.yaml holding the
// processor's configuration (catalog paths relative to the scenario).
const goldenDir = "../testdata"

// TestGolden runs every scenario of goldenDir against the real built-in
// catalog. To regenerate an expected file after a deliberate change,
// uncomment the golden.Write* line of its signal, run the test once, put
// the line back and review the diff by hand against catalog/builtin.
func TestGolden(t *testing.T) {
	dirs, err := os.ReadDir(goldenDir)
	require.NoError(t, err)
	ran := 0
	for _, d := range dirs {
		dir := filepath.Join(goldenDir, d.Name())
		inputs, _ := filepath.Glob(filepath.Join(dir, "input-*.yaml"))
		if !d.IsDir() || len(inputs) == 0 {
			continue
		}
		ran++
		t.Run(d.Name(), func(t *testing.T) {
			p := newGoldenProcessor(t, dir)
			ctx := context.Background()
			if in := filepath.Join(dir, "input-traces.yaml"); exists(in) {
				td, err := golden.ReadTraces(in)
				require.NoError(t, err)
				got, err := p.processTraces(ctx, td)
				require.NoError(t, err)
				want := filepath.Join(dir, "expected-traces.yaml")
				// require.NoError(t, golden.WriteTraces(t, want, got))
				exp, err := golden.ReadTraces(want)
				require.NoError(t, err)
				maskTracesNaN(exp)
				maskTracesNaN(got)
				require.NoError(t, ptracetest.CompareTraces(exp, got))
			}
			if in := filepath.Join(dir, "input-logs.yaml"); exists(in) {
				ld, err := golden.ReadLogs(in)
				require.NoError(t, err)
				got, err := p.processLogs(ctx, ld)
				require.NoError(t, err)
				want := filepath.Join(dir, "expected-logs.yaml")
				// require.NoError(t, golden.WriteLogs(t, want, got))
				exp, err := golden.ReadLogs(want)
				require.NoError(t, err)
				maskLogsNaN(exp)
				maskLogsNaN(got)
				require.NoError(t, plogtest.CompareLogs(exp, got))
			}
			if in := filepath.Join(dir, "input-metrics.yaml"); exists(in) {
				md, err := golden.ReadMetrics(in)
				require.NoError(t, err)
				got, err := p.processMetrics(ctx, md)
				require.NoError(t, err)
				want := filepath.Join(dir, "expected-metrics.yaml")
				// require.NoError(t, golden.WriteMetrics(t, want, got, golden.SkipMetricTimestampNormalization()))
				exp, err := golden.ReadMetrics(want)
				require.NoError(t, err)
				// The writer sorts data points; their order is not the processor's.
				require.NoError(t, pmetrictest.CompareMetrics(exp, got, pmetrictest.IgnoreMetricDataPointsOrder()))
			}
		})
	}
	require.NotZero(t, ran, "no golden scenarios found under %s", goldenDir)
}

// newGoldenProcessor starts a processor with the scenario's configuration:
// the defaults, overlaid with dir/config.yaml when present.
func newGoldenProcessor(t *testing.T, dir string) *catalogProcessor {
	t.Helper()
	cfg := config.Default()
	if f := filepath.Join(dir, "config.yaml"); exists(f) {
		cm, err := confmaptest.LoadConf(f)
		require.NoError(t, err)
		require.NoError(t, cm.Unmarshal(cfg))
		for i, p := range cfg.Catalogs.Files {
			cfg.Catalogs.Files[i] = filepath.Join(dir, p)
		}
	}
	require.NoError(t, cfg.Validate())
	p, err := newCatalogProcessor(cfg, componenttest.NewNopTelemetrySettings())
	require.NoError(t, err)
	require.NoError(t, p.start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, p.shutdown(context.Background())) })
	return p
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// nanMarker stands in for NaN attribute values while comparing: the
// comparison uses reflect.DeepEqual, and NaN equals nothing, itself
// included. Masking both sides still checks a NaN stays a NaN.
const nanMarker = "<NaN>"

func maskNaN(m pcommon.Map) {
	for _, v := range m.All() {
		if v.Type() == pcommon.ValueTypeDouble && math.IsNaN(v.Double()) {
			v.SetStr(nanMarker)
		}
	}
}

func maskTracesNaN(td ptrace.Traces) {
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, s := range ss.Spans().All() {
				maskNaN(s.Attributes())
				for _, e := range s.Events().All() {
					maskNaN(e.Attributes())
				}
			}
		}
	}
}

func maskLogsNaN(ld plog.Logs) {
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				maskNaN(lr.Attributes())
			}
		}
	}
}
