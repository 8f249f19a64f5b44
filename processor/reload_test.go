package processor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/errorcatalog/errorcatalogprocessor/config"
	"github.com/errorcatalog/errorcatalogprocessor/internal/metadata"
)

// reloadInterval is short so the tests see several ticks per change.
const reloadInterval = 5 * time.Millisecond

// waitFor bounds every wait for a reload to show.
const waitFor = 10 * time.Second

// catalogV returns a catalog file of vendor reloadco whose code 1 is named
// "One v<version>", and with `extra` more entries, so versions differ in
// both names and entry counts.
func catalogV(version, extra int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `format: errorcatalog/v1
vendor:
  id: reloadco
  name: Reload Co
  code_type: int
  source: "test catalog"
  version: "%d"
entries:
  - code: 1
    name: One v%d
    category: server
    class: INTERNAL
    severity: error
    retryable: true
`, version, version)
	for i := range extra {
		fmt.Fprintf(&b, `  - code: %d
    name: Extra %d
    category: validation
    class: INVALID_ARGUMENT
    severity: warning
    retryable: false
`, 100+i, i)
	}
	return []byte(b.String())
}

const brokenCatalog = `format: errorcatalog/v1
vendor:
  id: reloadco
  name: Reload Co
  code_type: int
  source: "test catalog"
  version: "broken"
entries:
  - code: 1
    name: One broken
    category: not-a-category
    class: INTERNAL
    severity: error
    retryable: true
`

// replacer changes the catalog file at path to data, the way one kind of
// deployment does.
type replacer func(t *testing.T, path string, data []byte)

// atomicRename writes a temporary file and renames it over the catalog,
// as editors and configuration tools do.
func atomicRename(t *testing.T, path string, data []byte) {
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, data, 0o600))
	require.NoError(t, os.Rename(tmp, path))
}

// truncateWrite rewrites the file in place: a tick may read it half
// written, which fails to load and is then retried with the whole file.
func truncateWrite(t *testing.T, path string, data []byte) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0o600)
	require.NoError(t, err)
	half := len(data) / 2
	_, err = f.Write(data[:half])
	require.NoError(t, err)
	time.Sleep(time.Millisecond)
	_, err = f.Write(data[half:])
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// k8sLayout lays out a catalog as a Kubernetes ConfigMap volume does:
// dir/catalog.yaml -> ..data/catalog.yaml, ..data -> ..<version>/.
func k8sLayout(t *testing.T, dir string, data []byte) string {
	ts := filepath.Join(dir, "..v0")
	require.NoError(t, os.Mkdir(ts, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(ts, "catalog.yaml"), data, 0o600))
	require.NoError(t, os.Symlink("..v0", filepath.Join(dir, "..data")))
	path := filepath.Join(dir, "catalog.yaml")
	require.NoError(t, os.Symlink(filepath.Join("..data", "catalog.yaml"), path))
	return path
}

var k8sVersion atomic.Int64

// symlinkSwap updates a ConfigMap volume the way the kubelet does: a new
// timestamped directory, a new ..data link renamed over the old one, and
// the old directory removed. The catalog path itself never changes.
func symlinkSwap(t *testing.T, path string, data []byte) {
	dir := filepath.Dir(path)
	name := fmt.Sprintf("..v%d", k8sVersion.Add(1))
	require.NoError(t, os.Mkdir(filepath.Join(dir, name), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name, "catalog.yaml"), data, 0o600))
	old, err := os.Readlink(filepath.Join(dir, "..data"))
	require.NoError(t, err)
	require.NoError(t, os.Symlink(name, filepath.Join(dir, "..data_tmp")))
	require.NoError(t, os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")))
	require.NoError(t, os.RemoveAll(filepath.Join(dir, old)))
}

// reloadFixture is a running processor over one catalog file, with batches
// flowing from several goroutines while the test changes the file.
type reloadFixture struct {
	t    *testing.T
	path string
	tel  *componenttest.Telemetry
	logs *observer.ObservedLogs
	p    *catalogProcessor

	stop    chan struct{}
	wg      sync.WaitGroup
	batches atomic.Int64
	// torn counts batches whose records were enriched from more than one
	// catalog; a batch must see one catalog from start to end.
	torn atomic.Int64
	// lost counts records that left a batch without enrichment.
	lost atomic.Int64
}

func newReloadFixture(t *testing.T, path string) *reloadFixture {
	f := &reloadFixture{t: t, path: path, tel: componenttest.NewTelemetry(), stop: make(chan struct{})}
	t.Cleanup(func() { require.NoError(t, f.tel.Shutdown(context.Background())) })
	core, logs := observer.New(zapcore.InfoLevel)
	f.logs = logs
	set := f.tel.NewTelemetrySettings()
	set.Logger = zap.New(core)

	cfg := config.Default()
	cfg.Catalogs.Builtin = false
	cfg.Catalogs.Files = []string{path}
	cfg.Catalogs.ReloadInterval = reloadInterval
	require.NoError(t, cfg.Validate())
	f.p = startProcessor(t, cfg, set)
	return f
}

// flow starts n goroutines sending batches until stopFlow.
func (f *reloadFixture) flow(n int) {
	for range n {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			for {
				select {
				case <-f.stop:
					return
				default:
				}
				f.sendBatch()
			}
		}()
	}
}

func (f *reloadFixture) stopFlow() {
	close(f.stop)
	f.wg.Wait()
	assert.Zero(f.t, f.torn.Load(), "batches enriched from more than one catalog")
	assert.Zero(f.t, f.lost.Load(), "records left without enrichment")
	assert.Positive(f.t, f.batches.Load())
}

func (f *reloadFixture) sendBatch() {
	records := make([]map[string]any, 50)
	for i := range records {
		records[i] = map[string]any{"reloadco.error.code": 1}
	}
	ld, err := f.p.processLogs(context.Background(), logsWith(records...))
	if err != nil {
		f.lost.Add(1)
		return
	}
	f.batches.Add(1)
	first := ""
	for i, attrs := range logAttrs(ld) {
		name := str(attrs, "error.catalog.name")
		if name == "" {
			f.lost.Add(1)
		}
		if i == 0 {
			first = name
		} else if name != first {
			f.torn.Add(1)
			return
		}
	}
}

// name returns the name code 1 is enriched with now.
func (f *reloadFixture) name() string {
	ld, err := f.p.processLogs(context.Background(), logsWith(map[string]any{"reloadco.error.code": 1}))
	require.NoError(f.t, err)
	return str(logAttrs(ld)[0], "error.catalog.name")
}

func (f *reloadFixture) waitName(want string) {
	f.t.Helper()
	require.Eventually(f.t, func() bool { return f.name() == want }, waitFor, time.Millisecond,
		"code 1 never enriched as %q", want)
}

func (f *reloadFixture) reloads() (success, failure int64) {
	c := counts(f.t, f.tel, metadata.MetricCatalogReloads)
	return c["result=success"], c["result=failure"]
}

func (f *reloadFixture) waitFailures(n int64) {
	f.t.Helper()
	require.Eventually(f.t, func() bool { _, fail := f.reloads(); return fail >= n }, waitFor, time.Millisecond,
		"reload failure %d never counted", n)
}

func (f *reloadFixture) entries() int64 {
	return counts(f.t, f.tel, metadata.MetricCatalogEntries)[""]
}

// TestReloadUnderTraffic changes the catalog file, each way deployments
// change files, while batches flow from several goroutines: every change
// is picked up, no batch mixes catalogs, no record goes unenriched, a
// broken or deleted file keeps the last good catalog, and the metrics and
// logs say what happened.
func TestReloadUnderTraffic(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string, data []byte) string
		replace replacer
		// clean: the replacement is never seen half done, so a reload never
		// fails but for the broken and deleted files.
		clean bool
	}{
		{name: "atomic rename", replace: atomicRename, clean: true},
		{name: "truncate and write", replace: truncateWrite},
		{name: "kubernetes symlink swap", setup: k8sLayout, replace: symlinkSwap, clean: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "catalog.yaml")
			if tt.setup != nil {
				path = tt.setup(t, dir, catalogV(1, 0))
			} else {
				require.NoError(t, os.WriteFile(path, catalogV(1, 0), 0o600))
			}
			f := newReloadFixture(t, path)
			f.flow(4)

			require.Equal(t, "One v1", f.name())
			assert.Equal(t, int64(1), f.entries())

			// Repeated good changes are each picked up.
			for v := 2; v <= 4; v++ {
				tt.replace(t, path, catalogV(v, v))
				f.waitName(fmt.Sprintf("One v%d", v))
			}
			require.Eventually(t, func() bool { return f.entries() == 5 }, waitFor, time.Millisecond)
			success, failure := f.reloads()
			assert.GreaterOrEqual(t, success, int64(3))
			if tt.clean {
				assert.Zero(t, failure)
			}

			// A broken file keeps the last good catalog, counted and logged.
			_, before := f.reloads()
			tt.replace(t, path, []byte(brokenCatalog))
			f.waitFailures(before + 1)
			// Several more ticks over the same broken content change nothing
			// and are not counted again.
			time.Sleep(10 * reloadInterval)
			_, after := f.reloads()
			if tt.clean {
				assert.Equal(t, before+1, after, "a broken file is reported once")
			}
			assert.Equal(t, "One v4", f.name())
			assert.Equal(t, int64(5), f.entries())
			warn := f.logs.FilterMessage("Catalog reload failed; keeping the last good catalog").All()
			require.NotEmpty(t, warn)
			assert.Contains(t, warn[len(warn)-1].ContextMap()["error"], `unknown category "not-a-category"`)

			// Fixed, it loads again.
			tt.replace(t, path, catalogV(5, 0))
			f.waitName("One v5")

			// Deleted, the last good catalog stays.
			_, before = f.reloads()
			require.NoError(t, os.Remove(path))
			f.waitFailures(before + 1)
			assert.Equal(t, "One v5", f.name())
			warn = f.logs.FilterMessage("Catalog reload failed; keeping the last good catalog").All()
			assert.Contains(t, warn[len(warn)-1].ContextMap()["error"], "no such file or directory")

			// Restored, it loads again.
			if tt.setup != nil {
				require.NoError(t, os.Symlink(filepath.Join("..data", "catalog.yaml"), path))
				symlinkSwap(t, path, catalogV(6, 0))
			} else {
				require.NoError(t, os.WriteFile(path, catalogV(6, 0), 0o600))
			}
			f.waitName("One v6")
			assert.Equal(t, int64(1), f.entries())
			assert.NotEmpty(t, f.logs.FilterMessage("Catalog reloaded").All())

			f.stopFlow()
		})
	}
}

// TestReloadKeepsConfigValid checks that a reloaded catalog that no longer
// has a vendor a code attribute is bound to is refused like a broken file.
func TestReloadKeepsConfigValid(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "catalog.yaml")
	require.NoError(t, os.WriteFile(path, catalogV(1, 0), 0o600))
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })

	cfg := config.Default()
	cfg.Catalogs.Builtin = false
	cfg.Catalogs.Files = []string{path}
	cfg.Catalogs.ReloadInterval = reloadInterval
	cfg.CodeAttributes = []config.CodeAttribute{{Key: "rc.code", Vendor: "reloadco"}}
	p := startProcessor(t, cfg, tel.NewTelemetrySettings())

	renamed := strings.Replace(string(catalogV(2, 0)), "id: reloadco", "id: othervendor", 1)
	atomicRename(t, path, []byte(renamed))
	require.Eventually(t, func() bool {
		return counts(t, tel, metadata.MetricCatalogReloads)["result=failure"] == 1
	}, waitFor, time.Millisecond)

	ld, err := p.processLogs(context.Background(), logsWith(map[string]any{"rc.code": 1}))
	require.NoError(t, err)
	assert.Equal(t, "One v1", str(logAttrs(ld)[0], "error.catalog.name"))
}

// TestNoReloadWithoutInterval checks that without reload_interval the
// files are read once, at start.
func TestNoReloadWithoutInterval(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "catalog.yaml")
	require.NoError(t, os.WriteFile(path, catalogV(1, 0), 0o600))
	cfg := config.Default()
	cfg.Catalogs.Files = []string{path}
	p := startProcessor(t, cfg, componenttest.NewNopTelemetrySettings())

	atomicRename(t, path, catalogV(2, 0))
	time.Sleep(20 * reloadInterval)
	ld, err := p.processLogs(context.Background(), logsWith(map[string]any{"reloadco.error.code": 1}))
	require.NoError(t, err)
	assert.Equal(t, "One v1", str(logAttrs(ld)[0], "error.catalog.name"))
}

// TestShutdownStopsReload checks that Shutdown returns only once the
// reload goroutine has (goleak in TestMain checks nothing outlives it),
// and that a second Shutdown is harmless.
func TestShutdownStopsReload(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "catalog.yaml")
	require.NoError(t, os.WriteFile(path, catalogV(1, 0), 0o600))
	cfg := config.Default()
	cfg.Catalogs.Files = []string{path}
	cfg.Catalogs.ReloadInterval = time.Millisecond
	p, err := newCatalogProcessor(cfg, componenttest.NewNopTelemetrySettings())
	require.NoError(t, err)
	require.NoError(t, p.start(context.Background(), componenttest.NewNopHost()))
	time.Sleep(5 * time.Millisecond)
	require.NoError(t, p.shutdown(context.Background()))
	require.NoError(t, p.shutdown(context.Background()))
}
