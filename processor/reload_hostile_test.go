package processor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// trafficRecords is the number of records in each batch of stormTraffic.
const trafficRecords = 40

// stormTraffic sends batches of every signal from several goroutines, each
// record with code 1 of vendor reloadco, and checks every batch as it
// returns: every record enriched, all from one catalog (no torn read).
// It records how long each batch took.
type stormTraffic struct {
	t    *testing.T
	p    *catalogProcessor
	stop chan struct{}
	wg   sync.WaitGroup

	batches, torn, lost atomic.Int64
	// names counts the distinct names code 1 was enriched with.
	names sync.Map

	mu        sync.Mutex
	latencies []time.Duration
}

func startStormTraffic(t *testing.T, p *catalogProcessor, goroutines int) *stormTraffic {
	s := &stormTraffic{t: t, p: p, stop: make(chan struct{})}
	for g := range goroutines {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			var lat []time.Duration
			defer func() {
				s.mu.Lock()
				s.latencies = append(s.latencies, lat...)
				s.mu.Unlock()
			}()
			for {
				select {
				case <-s.stop:
					return
				default:
				}
				lat = append(lat, s.send(g%3))
			}
		}()
	}
	return s
}

func (s *stormTraffic) send(sig int) time.Duration {
	ctx := context.Background()
	var names []string
	var d time.Duration
	switch sig {
	case 0:
		td := ptrace.NewTraces()
		spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
		for range trafficRecords {
			spans.AppendEmpty().Attributes().PutInt("reloadco.error.code", 1)
		}
		start := time.Now()
		out, err := s.p.processTraces(ctx, td)
		d = time.Since(start)
		if err != nil {
			s.lost.Add(trafficRecords)
			return d
		}
		for _, sp := range out.ResourceSpans().At(0).ScopeSpans().At(0).Spans().All() {
			names = append(names, str(sp.Attributes(), "error.catalog.name"))
		}
	case 1:
		ld := plog.NewLogs()
		lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
		for range trafficRecords {
			lrs.AppendEmpty().Attributes().PutStr("error.code", "1")
		}
		start := time.Now()
		out, err := s.p.processLogs(ctx, ld)
		d = time.Since(start)
		if err != nil {
			s.lost.Add(trafficRecords)
			return d
		}
		for _, attrs := range logAttrs(out) {
			names = append(names, str(attrs, "error.catalog.name"))
		}
	default:
		md := pmetric.NewMetrics()
		dps := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty().SetEmptySum().DataPoints()
		for range trafficRecords {
			dps.AppendEmpty().Attributes().PutDouble("reloadco.error.code", 1)
		}
		start := time.Now()
		out, err := s.p.processMetrics(ctx, md)
		d = time.Since(start)
		if err != nil {
			s.lost.Add(trafficRecords)
			return d
		}
		for _, dp := range out.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Sum().DataPoints().All() {
			names = append(names, str(dp.Attributes(), "error.catalog.name"))
		}
	}
	s.batches.Add(1)
	if len(names) != trafficRecords {
		s.lost.Add(int64(trafficRecords - len(names)))
	}
	for _, n := range names {
		if n == "" {
			s.lost.Add(1)
		}
		if n != names[0] {
			s.torn.Add(1)
			break
		}
	}
	if len(names) > 0 {
		s.names.Store(names[0], true)
	}
	return d
}

// finish stops the traffic, checks it, and returns the batch latencies,
// sorted.
func (s *stormTraffic) finish() []time.Duration {
	close(s.stop)
	s.wg.Wait()
	assert.Zero(s.t, s.torn.Load(), "batches enriched from more than one catalog")
	assert.Zero(s.t, s.lost.Load(), "records that left a batch without enrichment")
	assert.Positive(s.t, s.batches.Load())
	slices.Sort(s.latencies)
	return s.latencies
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

// timeLoad returns how long loading the catalog at path takes, the work a
// reload does off the batches' path.
func timeLoad(t *testing.T, path string) time.Duration {
	start := time.Now()
	_, err := catalog.Load(false, []string{path})
	require.NoError(t, err)
	return time.Since(start)
}

// TestReloadStorm replaces a large catalog file over and over, rotating
// every way deployments replace files (atomic rename, in-place truncate
// and write, Kubernetes symlink swap, deletion and restore), while six
// goroutines send traces, logs and metrics. Every change is picked up;
// no batch mixes catalogs or loses an enrichment; and no batch waits for a
// reload: the slowest batch during the storm takes far less than one
// reload. The batch latencies with and without reloads are logged.
func TestReloadStorm(t *testing.T) {
	const entries = 2000 // a catalog of about 200 KB
	const changes = 12
	dir := t.TempDir()
	// The catalog lives in a Kubernetes-style layout, so that the symlink
	// swap works; the other replacements write through the symlinks into
	// the current version's file, as a process with the path open would.
	path := k8sLayout(t, dir, catalogV(0, entries))
	load := timeLoad(t, path)
	f := newReloadFixture(t, path)

	// The same traffic with no reloads, for comparison.
	calm := startStormTraffic(t, f.p, 6)
	time.Sleep(500 * time.Millisecond)
	calmLat := calm.finish()

	traffic := startStormTraffic(t, f.p, 6)
	rotation := []struct {
		name    string
		replace replacer
	}{
		{"atomic rename", func(t *testing.T, path string, data []byte) { atomicRename(t, resolved(t, path), data) }},
		{"truncate and write", func(t *testing.T, path string, data []byte) { truncateWrite(t, resolved(t, path), data) }},
		{"symlink swap", symlinkSwap},
		{"delete and restore", func(t *testing.T, path string, data []byte) {
			_, failures := f.reloads()
			real := resolved(t, path)
			require.NoError(t, os.Remove(real))
			f.waitFailures(failures + 1)
			require.NoError(t, os.WriteFile(real, data, 0o600))
		}},
	}
	start := time.Now()
	for v := 1; v <= changes; v++ {
		r := rotation[v%len(rotation)]
		r.replace(t, path, catalogV(v, entries+v))
		f.waitName(fmt.Sprintf("One v%d", v))
	}
	storm := time.Since(start)
	lat := traffic.finish()

	success, failure := f.reloads()
	assert.GreaterOrEqual(t, success, int64(changes))
	assert.GreaterOrEqual(t, failure, int64(changes/len(rotation)), "each deletion is a failed reload")
	assert.Equal(t, int64(1+entries+changes), f.entries())
	seen := 0
	traffic.names.Range(func(any, any) bool { seen++; return true })

	t.Logf("catalog of %d entries loads in %s; %d changes in %s; %d reloads, %d failed; batches saw %d catalogs",
		entries, load.Round(time.Millisecond), changes, storm.Round(time.Millisecond), success, failure, seen)
	t.Logf("batch of %d records, without reloads: %d batches, p50 %s, p99 %s, max %s",
		trafficRecords, len(calmLat), quantile(calmLat, .5), quantile(calmLat, .99), calmLat[len(calmLat)-1])
	t.Logf("batch of %d records, during reloads:  %d batches, p50 %s, p99 %s, max %s",
		trafficRecords, len(lat), quantile(lat, .5), quantile(lat, .99), lat[len(lat)-1])
	assert.Greater(t, seen, changes/2, "batches ran throughout the storm")
	// Latency on a machine shared with other work is noisy, so only the
	// bulk is bounded; TestBatchesDoNotWaitForReload shows that no batch
	// waits for a reload.
	assert.Less(t, quantile(lat, .99), 250*time.Millisecond)
}

// resolved returns the file path resolves to through its symlinks.
func resolved(t *testing.T, path string) string {
	real, err := filepath.EvalSymlinks(path)
	require.NoError(t, err)
	return real
}

// TestReloadHostileFiles puts, in the catalog's place, things that are not
// a usable catalog file. Each reload fails without blocking or crashing,
// the last good catalog stays in use, the failure is counted and logged
// with what is wrong, the restored file loads again, and Shutdown returns
// promptly.
func TestReloadHostileFiles(t *testing.T) {
	root := os.Geteuid() == 0
	tests := []struct {
		name string
		// put replaces the file at path.
		put func(t *testing.T, path string)
		// msg is part of the logged error.
		msg string
	}{
		{
			name: "oversized file",
			put: func(t *testing.T, path string) {
				data := append(catalogV(9, 0), []byte("# "+strings.Repeat("x", catalog.MaxFileSize)+"\n")...)
				atomicRename(t, path, data)
			},
			msg: "file too large",
		},
		{
			name: "named pipe nothing writes to",
			put: func(t *testing.T, path string) {
				require.NoError(t, os.Remove(path))
				require.NoError(t, syscall.Mkfifo(path, 0o600))
			},
			msg: "not a regular file",
		},
		{
			name: "directory",
			put: func(t *testing.T, path string) {
				require.NoError(t, os.Remove(path))
				require.NoError(t, os.Mkdir(path, 0o700))
			},
			msg: "not a regular file",
		},
		{
			name: "dangling symlink",
			put: func(t *testing.T, path string) {
				require.NoError(t, os.Remove(path))
				require.NoError(t, os.Symlink(path+".gone", path))
			},
			msg: "no such file or directory",
		},
		{
			name: "symlink loop",
			put: func(t *testing.T, path string) {
				require.NoError(t, os.Remove(path))
				require.NoError(t, os.Symlink(path, path))
			},
			msg: "too many levels of symbolic links",
		},
		{
			name: "YAML alias bomb",
			put: func(t *testing.T, path string) {
				atomicRename(t, path, []byte("format: errorcatalog/v1\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n"))
			},
			msg: "YAML anchor &a is not allowed",
		},
		{
			name: "empty file",
			put:  func(t *testing.T, path string) { atomicRename(t, path, nil) },
			msg:  "empty file",
		},
		{
			name: "binary garbage",
			put: func(t *testing.T, path string) {
				garbage := make([]byte, 4096)
				for i := range garbage {
					garbage[i] = byte(i*7 + i/13)
				}
				atomicRename(t, path, garbage)
			},
			msg: "invalid YAML",
		},
		{
			name: "duplicate code",
			put: func(t *testing.T, path string) {
				v := string(catalogV(9, 0))
				_, entries, found := strings.Cut(v, "  - code: 1")
				require.True(t, found)
				atomicRename(t, path, []byte(v+"  - code: 1"+entries))
			},
			msg: "entry 1: duplicate code",
		},
		{
			name: "unreadable",
			put: func(t *testing.T, path string) {
				atomicRename(t, path, catalogV(9, 0))
				require.NoError(t, os.Chmod(path, 0))
			},
			// Root reads files whatever their mode: for root the file is a
			// good catalog, and the test checks it loads.
			msg: map[bool]string{false: "permission denied", true: ""}[root],
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "catalog.yaml")
			require.NoError(t, os.WriteFile(path, catalogV(1, 0), 0o600))
			f := newReloadFixture(t, path)
			f.flow(2)
			f.waitName("One v1")

			_, before := f.reloads()
			tt.put(t, path)
			if tt.msg == "" {
				f.waitName("One v9")
			} else {
				f.waitFailures(before + 1)
				assert.Equal(t, "One v1", f.name(), "the last good catalog stays")
				warn := f.logs.FilterMessage("Catalog reload failed; keeping the last good catalog").All()
				require.NotEmpty(t, warn)
				assert.Contains(t, warn[len(warn)-1].ContextMap()["error"], tt.msg)
				// The same broken content is reported once.
				time.Sleep(20 * reloadInterval)
				_, after := f.reloads()
				assert.Equal(t, before+1, after, "a broken file is reported once")
			}

			// Restored, it loads again.
			require.NoError(t, os.RemoveAll(path))
			require.NoError(t, os.WriteFile(path, catalogV(2, 0), 0o600))
			f.waitName("One v2")
			f.stopFlow()

			done := make(chan error, 1)
			go func() { done <- f.p.shutdown(context.Background()) }()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(waitFor):
				t.Fatal("Shutdown did not return")
			}
		})
	}
}

// TestShutdownWhileReloading stops the processor while a large catalog is
// being reloaded: Shutdown waits for that reload and returns, batches sent
// after it still pass (enriched with the catalog in use), and no goroutine
// outlives the processor (goleak in TestMain).
func TestShutdownWhileReloading(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "catalog.yaml")
	require.NoError(t, os.WriteFile(path, catalogV(1, 0), 0o600))
	cfg := config.Default()
	cfg.Catalogs.Builtin = false
	cfg.Catalogs.Files = []string{path}
	cfg.Catalogs.ReloadInterval = time.Millisecond
	p, err := newCatalogProcessor(cfg, componenttest.NewNopTelemetrySettings())
	require.NoError(t, err)
	require.NoError(t, p.start(context.Background(), componenttest.NewNopHost()))
	for v := 2; v <= 6; v++ {
		atomicRename(t, path, catalogV(v, 5000))
		time.Sleep(time.Duration(v) * time.Millisecond)
		require.NoError(t, p.shutdown(context.Background()))
		require.NoError(t, p.start(context.Background(), componenttest.NewNopHost()))
	}
	require.NoError(t, p.shutdown(context.Background()))
	ld, err := p.processLogs(context.Background(), logsWith(map[string]any{"reloadco.error.code": 1}))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(str(logAttrs(ld)[0], "error.catalog.name"), "One v"))
}

// TestStartRefusesBadCatalog checks that a processor whose catalog does not
// load does not start: Start fails naming the file, no reload goroutine is
// left behind, and nothing is enriched with a partial catalog.
func TestStartRefusesBadCatalog(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(good, catalogV(1, 0), 0o600))
	require.NoError(t, os.WriteFile(bad, []byte(brokenCatalog), 0o600))
	cfg := config.Default()
	cfg.Catalogs.Files = []string{good, bad}
	cfg.Catalogs.ReloadInterval = time.Millisecond
	require.Error(t, cfg.Validate())

	p, err := newCatalogProcessor(cfg, componenttest.NewNopTelemetrySettings())
	require.NoError(t, err)
	err = p.start(context.Background(), componenttest.NewNopHost())
	require.Error(t, err)
	assert.Contains(t, err.Error(), bad+":11: entry 1: unknown category \"not-a-category\"")
	assert.Nil(t, p.currentIndex(), "no catalog in use")
	ld, err := p.processLogs(context.Background(), logsWith(map[string]any{"reloadco.error.code": 1, "zingle.error.code": 2601}))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"reloadco.error.code": int64(1), "zingle.error.code": int64(2601)}, logAttrs(ld)[0].AsRaw())
	require.NoError(t, p.shutdown(context.Background()))
}

// blockingCore is a zap core that holds the goroutine logging a message
// until released, to hold a reload in the middle of its work.
type blockingCore struct {
	zapcore.Core
	msg     string
	entered chan struct{}
	release chan struct{}
	once    *sync.Once
}

func (c blockingCore) Enabled(zapcore.Level) bool { return true }

func (c blockingCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if e.Message == c.msg {
		return ce.AddCore(e, c)
	}
	return c.Core.Check(e, ce)
}

func (c blockingCore) Write(zapcore.Entry, []zapcore.Field) error {
	c.once.Do(func() { close(c.entered) })
	<-c.release
	return nil
}

func (c blockingCore) With([]zapcore.Field) zapcore.Core { return c }

// TestBatchesDoNotWaitForReload holds the reload goroutine in the middle of
// a reload, after it swapped in the new catalog and before it finished
// logging, and sends batches of every signal meanwhile: none waits for the
// reload, and each is enriched with the new catalog. A batch that took a
// lock the reload holds would block here until the test times out.
func TestBatchesDoNotWaitForReload(t *testing.T) {
	for _, msg := range []string{"Catalog reloaded", "Catalog reload failed; keeping the last good catalog"} {
		t.Run(msg, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "catalog.yaml")
			require.NoError(t, os.WriteFile(path, catalogV(1, 0), 0o600))
			core := blockingCore{Core: zapcore.NewNopCore(), msg: msg, entered: make(chan struct{}), release: make(chan struct{}), once: &sync.Once{}}
			set := componenttest.NewNopTelemetrySettings()
			set.Logger = zap.New(core)
			cfg := config.Default()
			cfg.Catalogs.Builtin = false
			cfg.Catalogs.Files = []string{path}
			cfg.Catalogs.ReloadInterval = reloadInterval
			p := startProcessor(t, cfg, set)
			released := false
			defer func() {
				if !released {
					close(core.release)
				}
			}()

			want := "One v2"
			if msg == "Catalog reloaded" {
				atomicRename(t, path, catalogV(2, 0))
			} else {
				want = "One v1"
				atomicRename(t, path, []byte(brokenCatalog))
			}
			select {
			case <-core.entered:
			case <-time.After(waitFor):
				t.Fatal("the reload never logged")
			}
			traffic := startStormTraffic(t, p, 6)
			require.Eventually(t, func() bool { return traffic.batches.Load() >= 300 }, waitFor, time.Millisecond,
				"batches did not pass while a reload was in progress")
			lat := traffic.finish()
			_, stored := traffic.names.Load(want)
			assert.True(t, stored, "batches enriched with %q", want)
			t.Logf("%d batches while the reload was held; max %s", len(lat), lat[len(lat)-1])
			close(core.release)
			released = true
		})
	}
}
