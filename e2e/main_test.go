// Package e2e tests the built otelcol-errorcatalog distribution from the
// outside: OTLP in through the OpenTelemetry Go SDK and telemetrygen, OTLP out
// to a sink in the test, `validate` on good and bad configurations.
//
// Run it with `make e2e` (or `make test`), which builds the distribution and
// passes its path in ERRORCATALOG_OTELCOL; the suite builds nothing itself.
package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// otelcolBinary is the distribution under test.
var otelcolBinary string

func TestMain(m *testing.M) {
	bin, err := harness.Executable(harness.EnvCollector, "make build")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	otelcolBinary = bin
	os.Exit(m.Run())
}

// pipeline is one collector started on a testdata/otelcol configuration,
// exporting to its own sink.
type pipeline struct {
	collector *harness.Collector
	sink      *harness.Sink
}

func startPipeline(t *testing.T, config string, sinkOpts ...harness.SinkOption) *pipeline {
	t.Helper()
	path, err := harness.Config(config)
	if err != nil {
		t.Fatalf("collector configuration: %v", err)
	}
	sink := harness.StartSink(t, sinkOpts...)
	c := harness.StartCollector(t, otelcolBinary, path, harness.NewEndpoints(t, sink.Addr))
	return &pipeline{collector: c, sink: sink}
}

// newSDK returns an SDK client sending the selected signals to the
// pipeline's OTLP/gRPC receiver, shut down (and so flushed) when the test
// ends.
func (p *pipeline) newSDK(t *testing.T, signals harness.Signals, res ...attribute.KeyValue) *harness.SDK {
	t.Helper()
	ctx := context.Background()
	sdk, err := harness.NewSDK(ctx, p.collector.Endpoints.OTLPGRPC, signals,
		append([]attribute.KeyValue{attribute.String("service.name", "e2e")}, res...)...)
	if err != nil {
		t.Fatalf("OpenTelemetry SDK: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := sdk.Shutdown(ctx); err != nil {
			t.Errorf("SDK shutdown: %v", err)
		}
	})
	return sdk
}

func flush(t *testing.T, sdk *harness.SDK) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sdk.Flush(ctx); err != nil {
		t.Fatalf("SDK flush: %v", err)
	}
}
