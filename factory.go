// Package errorcatalogprocessor is the errorcatalog processor: it reads
// vendor error codes from telemetry attributes, looks them up in a catalog
// built from the vendors' documentation, and writes the entry's name,
// category, class and severity next to them. NewFactory is the one entry
// point a collector distribution imports.
package errorcatalogprocessor // import "github.com/errorcatalog/errorcatalogprocessor"

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/errorcatalog/errorcatalogprocessor/config"
	enrich "github.com/errorcatalog/errorcatalogprocessor/processor"
)

// Type is the component type used in collector configurations:
// `processors: {errorcatalog: {}}`.
var Type = component.MustNewType("errorcatalog")

// Stability is the stability level of every signal the processor handles.
const Stability = component.StabilityLevelBeta

// The processor writes attributes into the data it receives, so the
// pipeline must hand it data it may change.
var capabilities = consumer.Capabilities{MutatesData: true}

// NewFactory returns the factory of the errorcatalog processor.
func NewFactory() processor.Factory {
	return processor.NewFactory(
		Type,
		createDefaultConfig,
		processor.WithTraces(createTraces, Stability),
		processor.WithMetrics(createMetrics, Stability),
		processor.WithLogs(createLogs, Stability),
	)
}

func createDefaultConfig() component.Config {
	return config.Default()
}

func newProcessor(set processor.Settings, cfg component.Config) (*enrich.Processor, error) {
	c, ok := cfg.(*config.Config)
	if !ok {
		return nil, fmt.Errorf("errorcatalog: unexpected configuration type %T", cfg)
	}
	return enrich.New(c, set.TelemetrySettings)
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	p, err := newProcessor(set, cfg)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewTraces(ctx, set, cfg, next, p.ProcessTraces,
		processorhelper.WithCapabilities(capabilities),
		processorhelper.WithStart(p.Start),
		processorhelper.WithShutdown(p.Shutdown))
}

func createMetrics(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	p, err := newProcessor(set, cfg)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewMetrics(ctx, set, cfg, next, p.ProcessMetrics,
		processorhelper.WithCapabilities(capabilities),
		processorhelper.WithStart(p.Start),
		processorhelper.WithShutdown(p.Shutdown))
}

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	p, err := newProcessor(set, cfg)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewLogs(ctx, set, cfg, next, p.ProcessLogs,
		processorhelper.WithCapabilities(capabilities),
		processorhelper.WithStart(p.Start),
		processorhelper.WithShutdown(p.Shutdown))
}
