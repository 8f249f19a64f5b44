package processor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	collectorprocessor "go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errorcatalog/errorcatalogprocessor/config"
	"github.com/errorcatalog/errorcatalogprocessor/internal/metadata"
)

// pipelines creates a traces, a logs and a metrics component from one
// factory and cfg, as a collector does for a processor named in three
// pipelines.
func pipelines(t testing.TB, f collectorprocessor.Factory, set collectorprocessor.Settings, cfg component.Config) []component.Component {
	t.Helper()
	ctx := context.Background()
	tr, err := f.CreateTraces(ctx, set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	lg, err := f.CreateLogs(ctx, set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	mt, err := f.CreateMetrics(ctx, set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	return []component.Component{tr, lg, mt}
}

// instances returns the factory's live processors.
func instances(f *factory) map[component.Config]*instance {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[component.Config]*instance{}
	for k, v := range f.instances {
		out[k] = v
	}
	return out
}

func TestFactorySharesOneProcessorPerConfig(t *testing.T) {
	f := &factory{instances: map[component.Config]*instance{}}
	set := processortest.NewNopSettings(metadata.Type)
	a, b := config.Default(), config.Default()

	ua1, err := f.acquire(set, a)
	require.NoError(t, err)
	ua2, err := f.acquire(set, a)
	require.NoError(t, err)
	ub, err := f.acquire(set, b)
	require.NoError(t, err)
	assert.Same(t, ua1.p, ua2.p, "one configuration, one processor")
	assert.NotSame(t, ua1.p, ub.p, "two configurations, two processors")
	assert.Len(t, instances(f), 2)

	_, err = f.acquire(set, struct{}{})
	require.ErrorContains(t, err, "unexpected configuration type")
}

// TestFactoryLifecycle starts and shuts down the three pipelines of one
// configuration in every order a collector may, twice each: the catalog is
// loaded once, stays in use until the last pipeline stops, and the factory
// forgets the processor once every component shut down.
func TestFactoryLifecycle(t *testing.T) {
	ctx := context.Background()
	host := componenttest.NewNopHost()
	nf := NewFactory()
	cfg := config.Default()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()

	comps := pipelines(t, nf, set, cfg)
	for _, c := range comps {
		require.NoError(t, c.Start(ctx, host))
		require.NoError(t, c.Start(ctx, host), "a second Start is a no-op")
	}
	assert.Equal(t, map[string]int64{"": 460}, counts(t, tel, metadata.MetricCatalogEntries))

	// The components share the processor: a batch through any of them is
	// enriched by the same state.
	tr := comps[0].(collectorprocessor.Traces)
	require.NoError(t, tr.ConsumeTraces(ctx, tracesWith(map[string]any{"error.code": "ERR_UID_NOT_FOUND"})))

	for i, c := range comps {
		require.NoError(t, c.Shutdown(ctx))
		require.NoError(t, c.Shutdown(ctx), "a second Shutdown is a no-op")
		if i < len(comps)-1 {
			require.NoError(t, tr.ConsumeTraces(ctx, tracesWith(map[string]any{"error.code": "ERR_UID_NOT_FOUND"})),
				"the catalog stays in use while a pipeline runs")
		}
	}
	got := counts(t, tel, metadata.MetricRecordsEnriched)
	assert.Equal(t, map[string]int64{"category=not_found,signal=traces,vendor=cometchat": int64(len(comps))}, got)
}

// TestFactoryForgetsShutDownConfigs checks that a collector that reloads
// its configuration (new Config values, every old component shut down)
// does not keep the old processors, started or not.
func TestFactoryForgetsShutDownConfigs(t *testing.T) {
	ctx := context.Background()
	f := &factory{instances: map[component.Config]*instance{}}
	set := processortest.NewNopSettings(metadata.Type)
	for range 3 {
		cfg := config.Default()
		us := make([]*user, 3)
		for i := range us {
			u, err := f.acquire(set, cfg)
			require.NoError(t, err)
			us[i] = u
		}
		require.NoError(t, us[0].start(ctx, componenttest.NewNopHost()))
		require.Len(t, instances(f), 1)
		for _, u := range us {
			require.NoError(t, u.shutdown(ctx))
		}
		require.Empty(t, instances(f))
		assert.Zero(t, us[0].p.running)
	}
}

// TestFactoryOneReloadForAllPipelines changes a catalog file under three
// pipelines of one configuration: the change is loaded, logged and counted
// once, and every signal sees the new catalog.
func TestFactoryOneReloadForAllPipelines(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "acme.yaml")
	require.NoError(t, os.WriteFile(path, []byte(acmeCatalog("Backend Down")), 0o600))

	cfg := config.Default()
	cfg.Catalogs.Files = []string{path}
	cfg.Catalogs.ReloadInterval = 5 * time.Millisecond
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()

	nf := NewFactory()
	comps := pipelines(t, nf, set, cfg)
	for _, c := range comps {
		require.NoError(t, c.Start(ctx, componenttest.NewNopHost()))
	}
	t.Cleanup(func() {
		for _, c := range comps {
			require.NoError(t, c.Shutdown(ctx))
		}
	})

	// Put in place by a rename, so that no tick reads the file half written.
	require.NoError(t, os.WriteFile(path+".tmp", []byte(acmeCatalog("Backend Gone")), 0o600))
	require.NoError(t, os.Rename(path+".tmp", path))
	require.Eventually(t, func() bool {
		return counts(t, tel, metadata.MetricCatalogReloads)["result=success"] > 0
	}, 10*time.Second, 5*time.Millisecond)
	// More ticks pass; the unchanged files are not reloaded again.
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, map[string]int64{"result=success": 1}, counts(t, tel, metadata.MetricCatalogReloads))

	sink := new(consumertest.LogsSink)
	lg, err := nf.CreateLogs(ctx, set, cfg, sink)
	require.NoError(t, err)
	require.NoError(t, lg.Start(ctx, componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, lg.Shutdown(ctx)) })
	require.NoError(t, lg.ConsumeLogs(ctx, logsWith(map[string]any{"error.code": 7001, "error.vendor": "acme"})))
	assert.Equal(t, "Backend Gone", str(logAttrs(sink.AllLogs()[0])[0], "error.catalog.name"),
		"a pipeline added later shares the reloaded catalog")
}

func acmeCatalog(name string) string {
	return `format: errorcatalog/v1
vendor:
  id: acme
  name: Acme
  code_type: int
entries:
  - code: 7001
    name: ` + name + `
    category: unavailable
    class: UNAVAILABLE
    severity: critical
    retryable: true
`
}

// BenchmarkPipelineMemory measures the heap that three pipelines of one
// configuration hold, with the processor shared (as NewFactory does) and
// with one processor per pipeline (as before), over the built-in catalog
// and over catalogs of 100,000 entries loaded from files.
func BenchmarkPipelineMemory(b *testing.B) {
	for _, size := range []int{0, bigCatalogSize} {
		var files []string
		if size > 0 {
			files = writeBigCatalog(b, b.TempDir(), size)
		}
		for _, mode := range []string{"shared", "per-pipeline"} {
			b.Run(fmt.Sprintf("entries=%d/%s", 460+size, mode), func(b *testing.B) {
				var held uint64
				for b.Loop() {
					held = pipelineHeap(b, mode, files)
				}
				b.ReportMetric(float64(held)/(1<<20), "MiB")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// pipelineHeap starts three pipelines' processors and returns the heap
// they hold once started.
func pipelineHeap(b *testing.B, mode string, files []string) uint64 {
	ctx := context.Background()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc

	set := processortest.NewNopSettings(metadata.Type)
	var comps []component.Component
	switch mode {
	case "shared":
		cfg := config.Default()
		cfg.Catalogs.Files = files
		comps = pipelines(b, NewFactory(), set, cfg)
	default:
		for range 3 {
			cfg := config.Default()
			cfg.Catalogs.Files = files
			comps = append(comps, pipelines(b, NewFactory(), set, cfg)[0])
		}
	}
	for _, c := range comps {
		if err := c.Start(ctx, componenttest.NewNopHost()); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	held := ms.HeapAlloc - min(before, ms.HeapAlloc)
	for _, c := range comps {
		if err := c.Shutdown(ctx); err != nil {
			b.Fatal(err)
		}
	}
	runtime.KeepAlive(comps)
	return held
}

// writeBigCatalog writes n synthetic entries as catalog files of at most
// 2,000 entries each (every file stays under the loader's size limit).
func writeBigCatalog(b *testing.B, dir string, n int) []string {
	var files []string
	for k := 0; n > 0; k++ {
		m := min(2000, n)
		n -= m
		var sb strings.Builder
		fmt.Fprintf(&sb, "format: errorcatalog/v1\nvendor:\n  id: synth%04d\n  name: Synthetic %d\n  code_type: int\nentries:\n", k, k)
		for j := range m {
			fmt.Fprintf(&sb, "  - code: %d\n    name: Synthetic Failure\n    description: A generated entry.\n    category: server\n    class: INTERNAL\n    severity: error\n    retryable: true\n    http_status: 500\n", 10_000_000+k*100_000+j)
		}
		path := filepath.Join(dir, fmt.Sprintf("synth%04d.yaml", k))
		if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
			b.Fatal(err)
		}
		files = append(files, path)
	}
	return files
}
