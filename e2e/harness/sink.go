package harness

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
)

// EnrichedKey is the attribute the processor writes on every record where it
// read a code value (the category, `unknown` on a miss); the sink counts a
// record as enriched when it carries it.
const EnrichedKey = "error.catalog.category"

// Counts are the records a sink has received, and how many of them carry
// EnrichedKey. Spans count span records only; their events are not counted.
type Counts struct {
	Spans, EnrichedSpans           int64
	LogRecords, EnrichedLogRecords int64
	DataPoints, EnrichedDataPoints int64
}

// Sink is an OTLP/gRPC server on 127.0.0.1 standing in for the backend the
// collector exports to. It counts every record it receives and, unless
// created with CountOnly, keeps a copy of every request for assertions.
type Sink struct {
	Addr string

	srv    *grpc.Server
	retain bool

	mu      sync.Mutex
	traces  []ptrace.Traces
	logs    []plog.Logs
	metrics []pmetric.Metrics

	spans, enrichedSpans           atomic.Int64
	logRecords, enrichedLogRecords atomic.Int64
	dataPoints, enrichedDataPoints atomic.Int64
}

// SinkOption configures StartSink.
type SinkOption func(*Sink)

// CountOnly makes the sink keep counts but not the data, for load runs.
func CountOnly() SinkOption { return func(s *Sink) { s.retain = false } }

// StartSink starts a sink on a free loopback port and stops it when the test
// ends.
func StartSink(tb testing.TB, opts ...SinkOption) *Sink {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("sink: listening on loopback: %v", err)
	}
	s := &Sink{Addr: l.Addr().String(), retain: true}
	for _, o := range opts {
		o(s)
	}
	// Collector exporters send batches of up to several MiB under load.
	s.srv = grpc.NewServer(grpc.MaxRecvMsgSize(64 << 20))
	ptraceotlp.RegisterGRPCServer(s.srv, &traceService{sink: s})
	plogotlp.RegisterGRPCServer(s.srv, &logService{sink: s})
	pmetricotlp.RegisterGRPCServer(s.srv, &metricService{sink: s})
	go func() { _ = s.srv.Serve(l) }()
	tb.Cleanup(s.srv.Stop)
	return s
}

// Counts returns what the sink has received so far.
func (s *Sink) Counts() Counts {
	return Counts{
		Spans: s.spans.Load(), EnrichedSpans: s.enrichedSpans.Load(),
		LogRecords: s.logRecords.Load(), EnrichedLogRecords: s.enrichedLogRecords.Load(),
		DataPoints: s.dataPoints.Load(), EnrichedDataPoints: s.enrichedDataPoints.Load(),
	}
}

// Traces returns copies of every traces request received.
func (s *Sink) Traces() []ptrace.Traces {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ptrace.Traces(nil), s.traces...)
}

// Logs returns copies of every logs request received.
func (s *Sink) Logs() []plog.Logs {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]plog.Logs(nil), s.logs...)
}

// Metrics returns copies of every metrics request received.
func (s *Sink) Metrics() []pmetric.Metrics {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]pmetric.Metrics(nil), s.metrics...)
}

type traceService struct {
	ptraceotlp.UnimplementedGRPCServer
	sink *Sink
}

func (t *traceService) Export(_ context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	td := req.Traces()
	var n, enriched int64
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, sp := range ss.Spans().All() {
				n++
				if _, ok := sp.Attributes().Get(EnrichedKey); ok {
					enriched++
				}
			}
		}
	}
	s := t.sink
	if s.retain {
		// The request's memory belongs to the gRPC call; keep a copy.
		cp := ptrace.NewTraces()
		td.CopyTo(cp)
		s.mu.Lock()
		s.traces = append(s.traces, cp)
		s.mu.Unlock()
	}
	s.spans.Add(n)
	s.enrichedSpans.Add(enriched)
	return ptraceotlp.NewExportResponse(), nil
}

type logService struct {
	plogotlp.UnimplementedGRPCServer
	sink *Sink
}

func (l *logService) Export(_ context.Context, req plogotlp.ExportRequest) (plogotlp.ExportResponse, error) {
	ld := req.Logs()
	var n, enriched int64
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				n++
				if _, ok := lr.Attributes().Get(EnrichedKey); ok {
					enriched++
				}
			}
		}
	}
	s := l.sink
	if s.retain {
		cp := plog.NewLogs()
		ld.CopyTo(cp)
		s.mu.Lock()
		s.logs = append(s.logs, cp)
		s.mu.Unlock()
	}
	s.logRecords.Add(n)
	s.enrichedLogRecords.Add(enriched)
	return plogotlp.NewExportResponse(), nil
}

type metricService struct {
	pmetricotlp.UnimplementedGRPCServer
	sink *Sink
}

func (m *metricService) Export(_ context.Context, req pmetricotlp.ExportRequest) (pmetricotlp.ExportResponse, error) {
	md := req.Metrics()
	var n, enriched int64
	for _, rm := range md.ResourceMetrics().All() {
		for _, sm := range rm.ScopeMetrics().All() {
			for _, metric := range sm.Metrics().All() {
				ForEachDataPoint(metric, func(attrs pcommon.Map) {
					n++
					if _, ok := attrs.Get(EnrichedKey); ok {
						enriched++
					}
				})
			}
		}
	}
	s := m.sink
	if s.retain {
		cp := pmetric.NewMetrics()
		md.CopyTo(cp)
		s.mu.Lock()
		s.metrics = append(s.metrics, cp)
		s.mu.Unlock()
	}
	s.dataPoints.Add(n)
	s.enrichedDataPoints.Add(enriched)
	return pmetricotlp.NewExportResponse(), nil
}

// ForEachDataPoint calls fn with the attributes of every data point of m,
// whatever the metric's type.
func ForEachDataPoint(m pmetric.Metric, fn func(pcommon.Map)) {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		for _, dp := range m.Gauge().DataPoints().All() {
			fn(dp.Attributes())
		}
	case pmetric.MetricTypeSum:
		for _, dp := range m.Sum().DataPoints().All() {
			fn(dp.Attributes())
		}
	case pmetric.MetricTypeHistogram:
		for _, dp := range m.Histogram().DataPoints().All() {
			fn(dp.Attributes())
		}
	case pmetric.MetricTypeExponentialHistogram:
		for _, dp := range m.ExponentialHistogram().DataPoints().All() {
			fn(dp.Attributes())
		}
	case pmetric.MetricTypeSummary:
		for _, dp := range m.Summary().DataPoints().All() {
			fn(dp.Attributes())
		}
	}
}

// Eventually polls cond every 20ms until it holds or timeout passes, and
// then fails the test with what describe says about the state it gave up in.
func Eventually(tb testing.TB, timeout time.Duration, cond func() bool, describe func() string) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("after %s: %s", timeout, describe())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
