package processor

import (
	"context"
	"fmt"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	collectorprocessor "go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/errorcatalog/errorcatalogprocessor/config"
	"github.com/errorcatalog/errorcatalogprocessor/internal/metadata"
)

// The processor writes attributes into the data it receives, so the
// pipeline must hand it data it may change.
var capabilities = consumer.Capabilities{MutatesData: true}

// NewFactory returns the factory of the errorcatalog processor. Each
// factory shares one processor among all pipelines and signals created
// from the same component configuration.
func NewFactory() collectorprocessor.Factory {
	f := &factory{instances: map[component.Config]*instance{}}
	return collectorprocessor.NewFactory(
		metadata.Type,
		func() component.Config { return config.Default() },
		collectorprocessor.WithTraces(f.createTraces, metadata.TracesStability),
		collectorprocessor.WithMetrics(f.createMetrics, metadata.MetricsStability),
		collectorprocessor.WithLogs(f.createLogs, metadata.LogsStability),
	)
}

// factory keeps the processor of each component configuration while some
// pipeline that was created with it has not shut down, as the collector's
// memory_limiter does: the collector creates one component per pipeline
// and signal, and a configuration used in three pipelines must not load,
// index and reload its catalogs three times.
type factory struct {
	mu        sync.Mutex
	instances map[component.Config]*instance
}

// instance is one configuration's processor and how many pipeline
// components created from it have not shut down yet.
type instance struct {
	p     *catalogProcessor
	users int
}

// acquire returns the processor of cfg, creating it for the first pipeline,
// and a user of it for this pipeline.
func (f *factory) acquire(set collectorprocessor.Settings, cfg component.Config) (*user, error) {
	c, ok := cfg.(*config.Config)
	if !ok {
		return nil, fmt.Errorf("errorcatalog: unexpected configuration type %T", cfg)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	in, ok := f.instances[cfg]
	if !ok {
		p, err := newCatalogProcessor(c, set.TelemetrySettings)
		if err != nil {
			return nil, err
		}
		in = &instance{p: p}
		f.instances[cfg] = in
	}
	in.users++
	return &user{f: f, cfg: cfg, p: in.p}, nil
}

// release forgets cfg's processor once no pipeline component uses it, so
// that a collector that reloads its configuration does not keep the old
// one's catalogs.
func (f *factory) release(cfg component.Config) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if in, ok := f.instances[cfg]; ok {
		in.users--
		if in.users == 0 {
			delete(f.instances, cfg)
		}
	}
}

// user is one pipeline component's hold on a shared processor. It makes
// that component's Start and Shutdown count once each, however often the
// component is started or shut down.
type user struct {
	f   *factory
	cfg component.Config
	p   *catalogProcessor

	mu       sync.Mutex
	started  bool
	released bool
}

func (u *user) start(ctx context.Context, host component.Host) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.started {
		return nil
	}
	if err := u.p.start(ctx, host); err != nil {
		return err
	}
	u.started = true
	return nil
}

func (u *user) shutdown(ctx context.Context) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	var err error
	if u.started {
		u.started = false
		err = u.p.shutdown(ctx)
	}
	if !u.released {
		u.released = true
		u.f.release(u.cfg)
	}
	return err
}

func (f *factory) createTraces(ctx context.Context, set collectorprocessor.Settings, cfg component.Config, next consumer.Traces) (collectorprocessor.Traces, error) {
	u, err := f.acquire(set, cfg)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewTraces(ctx, set, cfg, next, u.p.processTraces,
		processorhelper.WithCapabilities(capabilities),
		processorhelper.WithStart(u.start),
		processorhelper.WithShutdown(u.shutdown))
}

func (f *factory) createMetrics(ctx context.Context, set collectorprocessor.Settings, cfg component.Config, next consumer.Metrics) (collectorprocessor.Metrics, error) {
	u, err := f.acquire(set, cfg)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewMetrics(ctx, set, cfg, next, u.p.processMetrics,
		processorhelper.WithCapabilities(capabilities),
		processorhelper.WithStart(u.start),
		processorhelper.WithShutdown(u.shutdown))
}

func (f *factory) createLogs(ctx context.Context, set collectorprocessor.Settings, cfg component.Config, next consumer.Logs) (collectorprocessor.Logs, error) {
	u, err := f.acquire(set, cfg)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewLogs(ctx, set, cfg, next, u.p.processLogs,
		processorhelper.WithCapabilities(capabilities),
		processorhelper.WithStart(u.start),
		processorhelper.WithShutdown(u.shutdown))
}
