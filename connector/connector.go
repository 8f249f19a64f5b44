package connector

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	collectorconnector "go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// Type is the connector's component type.
var Type = component.MustNewType("errormetrics")

// Stability of both routes.
const Stability = component.StabilityLevelAlpha

// Names of the connector's own metrics.
const (
	MetricValuesCollapsed = "otelcol_connector_errormetrics_values_collapsed"
	MetricSeries          = "otelcol_connector_errormetrics_series"
)

// NewFactory returns the factory of the errormetrics connector: traces to
// metrics and logs to metrics. Each route keeps its own series (they
// differ by signal), so the two never write the same series.
func NewFactory() collectorconnector.Factory {
	return collectorconnector.NewFactory(Type,
		func() component.Config { return Default() },
		collectorconnector.WithTracesToMetrics(createTracesToMetrics, Stability),
		collectorconnector.WithLogsToMetrics(createLogsToMetrics, Stability),
	)
}

func createTracesToMetrics(_ context.Context, set collectorconnector.Settings, cfg component.Config, next consumer.Metrics) (collectorconnector.Traces, error) {
	return newErrorMetrics(set, cfg, next, "traces")
}

func createLogsToMetrics(_ context.Context, set collectorconnector.Settings, cfg component.Config, next consumer.Metrics) (collectorconnector.Logs, error) {
	return newErrorMetrics(set, cfg, next, "logs")
}

// errorMetrics is one route of the connector.
type errorMetrics struct {
	cfg    *Config
	next   consumer.Metrics
	logger *zap.Logger
	names  names

	instance string
	agg      *aggregator

	collapsed metric.Int64Counter
	seriesG   metric.Int64Gauge
	// route is the route's signal (traces, logs), the `route` attribute of
	// the connector's own metrics: the two routes hold different series.
	route attribute.KeyValue

	mu     sync.Mutex
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newErrorMetrics(set collectorconnector.Settings, cfg component.Config, next consumer.Metrics, route string) (*errorMetrics, error) {
	c, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("errormetrics: unexpected configuration type %T", cfg)
	}
	m := set.MeterProvider.Meter(scopeName)
	collapsed, err1 := m.Int64Counter(MetricValuesCollapsed,
		metric.WithDescription("Dimension values collapsed into _other by a cap, and records counted in the overflow series (dimension=series)."),
		metric.WithUnit("{value}"))
	seriesG, err2 := m.Int64Gauge(MetricSeries,
		metric.WithDescription("Series the connector holds."), metric.WithUnit("{series}"))
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("errormetrics: creating telemetry: %w", err)
	}
	return &errorMetrics{
		cfg: c, next: next, logger: set.Logger, names: newNames(c.Prefix),
		instance:  instanceID(set.Resource.Attributes()),
		collapsed: collapsed, seriesG: seriesG, route: attribute.String("route", route),
	}, nil
}

// instanceID returns the collector's service.instance.id, which identifies
// this replica: every replica writes its own series (the data model's
// single-writer rule). A collector without one gets a random id.
func instanceID(res pcommon.Map) string {
	if v, ok := res.Get(instanceKey); ok && v.AsString() != "" {
		return v.AsString()
	}
	return processID()
}

// processID is the id of a collector without a service.instance.id, made
// once, so that both routes of every connector in the process agree.
var processID = sync.OnceValue(randomID)

func (e *errorMetrics) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

// Start loads the catalogs that bound the vendor and name values and
// starts flushing.
func (e *errorMetrics) Start(context.Context, component.Host) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cancel != nil {
		return nil
	}
	cat, err := catalog.Load(e.cfg.Catalogs.Builtin, e.cfg.Catalogs.Files)
	if err != nil {
		return fmt.Errorf("errormetrics: %w", err)
	}
	e.agg = newAggregator(e.cfg, e.instance, newBounds(cat))
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	e.wg.Add(1)
	go e.run(ctx)
	return nil
}

func (e *errorMetrics) run(ctx context.Context) {
	defer e.wg.Done()
	t := time.NewTicker(e.cfg.FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = e.flush(ctx) // logged by flush; the next interval tries again
		}
	}
}

// Shutdown stops flushing and exports what was counted since the last
// flush, so a shutdown loses no count.
func (e *errorMetrics) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	cancel := e.cancel
	e.cancel = nil
	e.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	e.wg.Wait()
	return e.flush(ctx)
}

// flush exports the counter.
func (e *errorMetrics) flush(ctx context.Context) error {
	md, collapsed, overflowed := e.agg.flush(time.Now())
	for dim, n := range collapsed {
		e.collapsed.Add(ctx, n, metric.WithAttributes(e.route, attribute.String("dimension", dim)))
	}
	if overflowed > 0 {
		e.collapsed.Add(ctx, overflowed, metric.WithAttributes(e.route, attribute.String("dimension", "series")))
	}
	e.seriesG.Record(ctx, int64(e.agg.len()), metric.WithAttributes(e.route))
	if md.DataPointCount() == 0 {
		return nil
	}
	if err := e.next.ConsumeMetrics(ctx, md); err != nil {
		e.logger.Warn("Exporting error metrics failed", zap.Error(err))
		return err
	}
	return nil
}

// ConsumeTraces counts spans and span events the processor enriched.
func (e *errorMetrics) ConsumeTraces(_ context.Context, td ptrace.Traces) error {
	if e.agg == nil {
		return nil // not started
	}
	now := time.Now()
	a := e.agg
	a.mu.Lock() // once per batch, not per record
	defer a.mu.Unlock()
	for _, rs := range td.ResourceSpans().All() {
		res := rs.Resource().Attributes()
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				if k, ok := a.key(&e.names, span.Attributes(), res, "spans"); ok {
					a.addLocked(k, now)
				}
				for _, ev := range span.Events().All() {
					if k, ok := a.key(&e.names, ev.Attributes(), res, "span_events"); ok {
						a.addLocked(k, now)
					}
				}
			}
		}
	}
	return nil
}

// ConsumeLogs counts log records the processor enriched.
func (e *errorMetrics) ConsumeLogs(_ context.Context, ld plog.Logs) error {
	if e.agg == nil {
		return nil // not started
	}
	now := time.Now()
	a := e.agg
	a.mu.Lock() // once per batch, not per record
	defer a.mu.Unlock()
	for _, rl := range ld.ResourceLogs().All() {
		res := rl.Resource().Attributes()
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				if k, ok := a.key(&e.names, lr.Attributes(), res, "logs"); ok {
					a.addLocked(k, now)
				}
			}
		}
	}
	return nil
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
