package harness

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Signals selects the providers an SDK exports: only those the collector's
// configuration has a pipeline for, since the others would be refused.
type Signals uint8

const (
	Traces Signals = 1 << iota
	Logs
	Metrics
	AllSignals = Traces | Logs | Metrics
)

// SDK is an OpenTelemetry Go SDK client exporting over OTLP/gRPC to one
// endpoint, the way an instrumented service does. Spans and log records are
// exported synchronously as they end or are emitted; metrics when Flush is
// called. Providers for signals not selected are nil.
type SDK struct {
	TracerProvider *sdktrace.TracerProvider
	LoggerProvider *sdklog.LoggerProvider
	MeterProvider  *sdkmetric.MeterProvider
}

// NewSDK connects the selected providers to endpoint (host:port, plaintext)
// with the given resource attributes.
func NewSDK(ctx context.Context, endpoint string, signals Signals, res ...attribute.KeyValue) (*SDK, error) {
	r := resource.NewSchemaless(res...)
	s := &SDK{}
	if signals&Traces != 0 {
		e, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(endpoint), otlptracegrpc.WithInsecure())
		if err != nil {
			return nil, fmt.Errorf("trace exporter: %w", err)
		}
		s.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithSyncer(e), sdktrace.WithResource(r))
	}
	if signals&Logs != 0 {
		e, err := otlploggrpc.New(ctx, otlploggrpc.WithEndpoint(endpoint), otlploggrpc.WithInsecure())
		if err != nil {
			return nil, fmt.Errorf("log exporter: %w", err)
		}
		s.LoggerProvider = sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(e)), sdklog.WithResource(r))
	}
	if signals&Metrics != 0 {
		e, err := otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithEndpoint(endpoint), otlpmetricgrpc.WithInsecure())
		if err != nil {
			return nil, fmt.Errorf("metric exporter: %w", err)
		}
		// The interval is longer than any test: data points leave on Flush
		// only, so a test knows which collection it asserts on.
		s.MeterProvider = sdkmetric.NewMeterProvider(
			sdkmetric.WithReader(sdkmetric.NewPeriodicReader(e, sdkmetric.WithInterval(time.Hour))),
			sdkmetric.WithResource(r))
	}
	return s, nil
}

// Flush exports everything recorded so far.
func (s *SDK) Flush(ctx context.Context) error {
	var errs []error
	if s.TracerProvider != nil {
		errs = append(errs, s.TracerProvider.ForceFlush(ctx))
	}
	if s.LoggerProvider != nil {
		errs = append(errs, s.LoggerProvider.ForceFlush(ctx))
	}
	if s.MeterProvider != nil {
		errs = append(errs, s.MeterProvider.ForceFlush(ctx))
	}
	return errors.Join(errs...)
}

// Shutdown flushes and closes the exporters.
func (s *SDK) Shutdown(ctx context.Context) error {
	var errs []error
	if s.TracerProvider != nil {
		errs = append(errs, s.TracerProvider.Shutdown(ctx))
	}
	if s.LoggerProvider != nil {
		errs = append(errs, s.LoggerProvider.Shutdown(ctx))
	}
	if s.MeterProvider != nil {
		errs = append(errs, s.MeterProvider.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
