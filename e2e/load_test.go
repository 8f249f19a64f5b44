package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// Sizes of the no-loss load run, overridable:
//
//	make e2e E2E_FLAGS='-count=1 -run TestNoLossUnderLoad' E2E_NOLOSS_SPANS=1000000 E2E_NOLOSS_LOGS=1000000
const (
	envNoLossSpans = "E2E_NOLOSS_SPANS"
	envNoLossLogs  = "E2E_NOLOSS_LOGS"
	noLossWorkers  = 4
)

// loadStream is one telemetrygen run of the load test: its own service
// name, the attributes that carry its code, and the attributes every one
// of its records must come out with.
type loadStream struct {
	service string
	signal  string // "traces" or "logs"
	args    []string
	want    map[string]any // the attributes under error.catalog.
	records int
}

// TestNoLossUnderLoad pushes a bounded telemetrygen run, 200,000 spans and
// 200,000 log records by default, from four concurrent runs, through the
// distribution's memory_limiter, errorcatalog and batch processors into a
// sink that checks every record as it arrives: exactly as many records come
// out as went in (no loss, no duplicate span), and every one carries
// exactly the catalog attributes its code resolves to. The collector's own
// metrics must agree: nothing refused, nothing failed, every record counted
// as enriched.
func TestNoLossUnderLoad(t *testing.T) {
	gen, err := harness.Executable(harness.EnvTelemetrygen, "make tools")
	require.NoError(t, err)
	spans := loadSize(t, envNoLossSpans, 200_000, 2*2*noLossWorkers)
	logs := loadSize(t, envNoLossLogs, 200_000, 2*noLossWorkers)

	cat, err := catalog.Builtin()
	require.NoError(t, err)
	ix := catalog.NewIndex(cat)
	streams := []*loadStream{
		{
			service: "load-zingle", signal: "traces", records: spans / 2,
			// Resolved by the vendor attribute, in another case than the id.
			args: []string{"--telemetry-attributes", "error.code=2601", "--telemetry-attributes", `error.vendor="Zingle"`},
			want: loadEntry(t, ix, "zingle", catalog.IntCode(2601)),
		},
		{
			service: "load-cometchat", signal: "traces", records: spans / 2,
			// Resolved by a host on the resource.
			args: []string{"--telemetry-attributes", `error.code="err_uid_not_found"`, "--otlp-attributes", `server.address="api-us.cometchat.io"`},
			want: loadEntry(t, ix, "cometchat", mustStringCode(t, "ERR_UID_NOT_FOUND")),
		},
		{
			service: "load-netease", signal: "logs", records: logs / 2,
			// Resolved by the vendor's own code attribute.
			args: []string{"--telemetry-attributes", "netease_im.error.code=416"},
			want: loadEntry(t, ix, "netease_im", catalog.IntCode(416)),
		},
		{
			service: "load-unknown", signal: "logs", records: logs / 2,
			// A code no vendor documents: enriched as unknown.
			args: []string{"--telemetry-attributes", "error.code=987654321"},
			want: map[string]any{"error.catalog.category": "unknown", "error.catalog.class": "UNKNOWN"},
		},
	}

	sink := startLoadSink(t, streams)
	path, err := harness.Config("e2e-load.yaml")
	require.NoError(t, err)
	col := harness.StartCollector(t, otelcolBinary, path, harness.NewEndpoints(t, sink.addr))
	ep := col.Endpoints

	// Peak resident memory of the collector, sampled while the load runs.
	var peakRSS atomic.Int64
	stopRSS := make(chan struct{})
	rssDone := make(chan struct{})
	go func() {
		defer close(rssDone)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			if m, err := scrapeMetrics(ep.MetricsPort); err == nil {
				if rss := int64(m.sum("otelcol_process_memory_rss")); rss > peakRSS.Load() {
					peakRSS.Store(rss)
				}
			}
			select {
			case <-stopRSS:
				return
			case <-tick.C:
			}
		}
	}()
	defer func() {
		close(stopRSS)
		<-rssDone
	}()

	// Bounded: a generous floor, scaled for larger runs.
	budget := 2*time.Minute + time.Duration(spans+logs)*500*time.Microsecond
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, len(streams))
	for i, s := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := []string{"--service", s.service, "--rate", "0", "--workers", strconv.Itoa(noLossWorkers), "--timeout", "60s"}
			if s.signal == "traces" {
				// Each trace is a parent and one child span. Unbatched:
				// telemetrygen's batching span processor drops spans when
				// its queue of 2048 is full, which at an unthrottled rate it
				// is, and that loss would be the generator's, not the
				// collector's. Each span is exported as it ends instead.
				args = append(args, "--traces", strconv.Itoa(s.records/2/noLossWorkers), "--child-spans", "1", "--batch=false")
			} else {
				args = append(args, "--logs", strconv.Itoa(s.records/noLossWorkers))
			}
			errs[i] = harness.Telemetrygen{Binary: gen}.Run(ctx, budget, s.signal, ep.OTLPGRPC, append(args, s.args...)...)
		}()
	}
	wg.Wait()
	sent := time.Since(start)
	for i, err := range errs {
		require.NoError(t, err, "telemetrygen run %s", streams[i].service)
	}

	done := func() bool {
		for _, s := range streams {
			if sink.count(s.service) < int64(s.records) {
				return false
			}
		}
		return true
	}
	harness.Eventually(t, budget, done, func() string { return "records at the sink: " + sink.describe() })
	arrived := time.Since(start)
	// Nothing more may arrive: a duplicate is as wrong as a loss.
	time.Sleep(2 * time.Second)

	for _, s := range streams {
		assert.Equal(t, int64(s.records), sink.count(s.service), "records of %s at the sink", s.service)
	}
	assert.Zero(t, sink.unexpected.Load(), "records of no stream: %s", sink.describe())
	assert.Zero(t, sink.wrong.Load(), "records with other catalog attributes than expected; first: %s", sink.firstWrong())
	assert.Zero(t, sink.duplicateSpans.Load(), "spans received twice")

	m, err := scrapeMetrics(ep.MetricsPort)
	require.NoError(t, err)
	assert.Equal(t, float64(spans), m.sum("otelcol_processor_errorcatalog_records_enriched", `signal="traces"`), "spans counted as enriched")
	assert.Equal(t, float64(logs), m.sum("otelcol_processor_errorcatalog_records_enriched", `signal="logs"`), "log records counted as enriched")
	assert.Equal(t, float64(logs/2), m.sum("otelcol_processor_errorcatalog_codes_unknown"), "unknown codes counted")
	assert.Zero(t, m.sum("otelcol_processor_errorcatalog_values_skipped"), "values skipped")
	assert.Equal(t, float64(spans), m.sum("otelcol_receiver_accepted_spans"))
	assert.Equal(t, float64(logs), m.sum("otelcol_receiver_accepted_log_records"))
	assert.Zero(t, m.sum("otelcol_receiver_refused_spans")+m.sum("otelcol_receiver_refused_log_records"), "records refused by the receiver")
	assert.Zero(t, m.sum("otelcol_exporter_send_failed_spans")+m.sum("otelcol_exporter_send_failed_log_records"), "records the exporter failed to send")
	for _, sig := range []string{"traces", "logs"} {
		in := m.sum("otelcol_processor_incoming_items", `processor="errorcatalog"`, `otel_signal="`+sig+`"`)
		out := m.sum("otelcol_processor_outgoing_items", `processor="errorcatalog"`, `otel_signal="`+sig+`"`)
		assert.Equal(t, in, out, "errorcatalog %s items in and out", sig)
	}

	total := spans + logs
	t.Logf("%d spans and %d log records (%d telemetrygen runs of %d workers): sent in %s, all at the sink after %s (%.0f records/s); collector peak RSS %.1f MiB",
		spans, logs, len(streams), noLossWorkers, sent.Round(time.Millisecond), arrived.Round(time.Millisecond),
		float64(total)/arrived.Seconds(), float64(peakRSS.Load())/(1<<20))
}

// loadSize reads a record count from env, rounded down to a multiple of
// unit (at least one unit).
func loadSize(t *testing.T, env string, def, unit int) int {
	t.Helper()
	n := def
	if s := os.Getenv(env); s != "" {
		v, err := strconv.Atoi(s)
		require.NoError(t, err, "%s=%q", env, s)
		n = v
	}
	return max(unit, n/unit*unit)
}

func mustStringCode(t *testing.T, s string) catalog.Code {
	t.Helper()
	c, ok := catalog.StringCode(s)
	require.True(t, ok, s)
	return c
}

// loadEntry returns the attributes written for vendor's entry for code.
func loadEntry(t *testing.T, ix *catalog.Index, vendor string, code catalog.Code) map[string]any {
	t.Helper()
	v, ok := ix.VendorByName(vendor)
	require.True(t, ok, vendor)
	e, ok := ix.Lookup(v, code)
	require.True(t, ok, "%s %v", vendor, code)
	m := map[string]any{
		"error.catalog.vendor":    v.ID,
		"error.catalog.code":      e.Code,
		"error.catalog.name":      e.Name,
		"error.catalog.category":  e.Category.String(),
		"error.catalog.class":     e.Class.String(),
		"error.catalog.severity":  e.Severity.String(),
		"error.catalog.retryable": e.Retryable,
	}
	if e.HTTPStatus != 0 {
		m["error.catalog.http_status"] = int64(e.HTTPStatus)
	}
	return m
}

// loadSink is an OTLP/gRPC sink that checks every span and log record as it
// arrives, without keeping them: counts by service, records whose catalog
// attributes are not their stream's, and spans seen twice.
type loadSink struct {
	addr    string
	streams map[string]*loadStream

	counts         sync.Map // service -> *atomic.Int64
	unexpected     atomic.Int64
	wrong          atomic.Int64
	duplicateSpans atomic.Int64

	mu        sync.Mutex
	spanIDs   map[[24]byte]struct{} // trace ID and span ID
	wrongDesc string
}

func startLoadSink(t *testing.T, streams []*loadStream) *loadSink {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &loadSink{addr: l.Addr().String(), streams: map[string]*loadStream{}, spanIDs: map[[24]byte]struct{}{}}
	for _, st := range streams {
		s.streams[st.service] = st
		s.counts.Store(st.service, new(atomic.Int64))
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(64 << 20))
	ptraceotlp.RegisterGRPCServer(srv, &loadTraces{s: s})
	plogotlp.RegisterGRPCServer(srv, &loadLogs{s: s})
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)
	return s
}

func (s *loadSink) count(service string) int64 {
	c, _ := s.counts.Load(service)
	return c.(*atomic.Int64).Load()
}

func (s *loadSink) describe() string {
	var b strings.Builder
	s.counts.Range(func(k, v any) bool {
		fmt.Fprintf(&b, "%s=%d ", k, v.(*atomic.Int64).Load())
		return true
	})
	fmt.Fprintf(&b, "unexpected=%d", s.unexpected.Load())
	return b.String()
}

func (s *loadSink) firstWrong() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wrongDesc
}

// check counts one record of service with attributes attrs.
func (s *loadSink) check(service string, attrs pcommon.Map) {
	st, ok := s.streams[service]
	if !ok {
		s.unexpected.Add(1)
		return
	}
	got := map[string]any{}
	for k, v := range attrs.All() {
		if strings.HasPrefix(k, "error.catalog.") {
			got[k] = v.AsRaw()
		}
	}
	if !assert.ObjectsAreEqual(st.want, got) {
		if s.wrong.Add(1) == 1 {
			s.mu.Lock()
			s.wrongDesc = fmt.Sprintf("%s: got %v, want %v", service, got, st.want)
			s.mu.Unlock()
		}
	}
	c, _ := s.counts.Load(service)
	c.(*atomic.Int64).Add(1)
}

func serviceOf(res pcommon.Resource) string {
	v, _ := res.Attributes().Get("service.name")
	return v.AsString()
}

type loadTraces struct {
	ptraceotlp.UnimplementedGRPCServer
	s *loadSink
}

func (l *loadTraces) Export(_ context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	for _, rs := range req.Traces().ResourceSpans().All() {
		service := serviceOf(rs.Resource())
		for _, ss := range rs.ScopeSpans().All() {
			for _, sp := range ss.Spans().All() {
				var id [24]byte
				tid, sid := sp.TraceID(), sp.SpanID()
				copy(id[:16], tid[:])
				copy(id[16:], sid[:])
				l.s.mu.Lock()
				_, dup := l.s.spanIDs[id]
				l.s.spanIDs[id] = struct{}{}
				l.s.mu.Unlock()
				if dup {
					l.s.duplicateSpans.Add(1)
				}
				l.s.check(service, sp.Attributes())
			}
		}
	}
	return ptraceotlp.NewExportResponse(), nil
}

type loadLogs struct {
	plogotlp.UnimplementedGRPCServer
	s *loadSink
}

func (l *loadLogs) Export(_ context.Context, req plogotlp.ExportRequest) (plogotlp.ExportResponse, error) {
	for _, rl := range req.Logs().ResourceLogs().All() {
		service := serviceOf(rl.Resource())
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				l.s.check(service, lr.Attributes())
			}
		}
	}
	return plogotlp.NewExportResponse(), nil
}

// collectorMetrics are the lines of one scrape of the collector's own
// Prometheus endpoint.
type collectorMetrics []string

func scrapeMetrics(port int) (collectorMetrics, error) {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape: %s", resp.Status)
	}
	var m collectorMetrics
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if line := sc.Text(); line != "" && line[0] != '#' {
			m = append(m, line)
		}
	}
	return m, sc.Err()
}

// sum adds the samples of metric whose labels hold every one of labels
// (each `name="value"`).
func (m collectorMetrics) sum(metric string, labels ...string) float64 {
	var total float64
	for _, line := range m {
		name, rest, _ := strings.Cut(line, " ")
		series := name
		if i := strings.IndexByte(line, '{'); i >= 0 {
			j := strings.LastIndexByte(line, '}')
			if j < i {
				continue
			}
			name, series, rest = line[:i], line[i:j+1], strings.TrimSpace(line[j+1:])
		}
		if name != metric {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(series, l)
		}
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err == nil {
			total += v
		}
	}
	return total
}
