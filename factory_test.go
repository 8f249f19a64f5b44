package errorcatalogprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/goleak"

	"github.com/errorcatalog/errorcatalogprocessor/config"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestFactoryType(t *testing.T) {
	f := NewFactory()
	assert.Equal(t, "errorcatalog", f.Type().String())
	assert.Equal(t, component.StabilityLevelAlpha, f.TracesStability())
	assert.Equal(t, component.StabilityLevelAlpha, f.LogsStability())
	assert.Equal(t, component.StabilityLevelAlpha, f.MetricsStability())
}

func TestCreateDefaultConfig(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig()
	require.NoError(t, componenttest.CheckConfigStruct(cfg))
	require.NoError(t, confmap.Validate(cfg))

	c, ok := cfg.(*config.Config)
	require.True(t, ok)
	assert.Nil(t, c.CodeAttributes, "unset code_attributes means the per-vendor default list")
	assert.Equal(t, []string{"error.vendor"}, c.VendorAttributes)
	assert.Equal(t, []string{"server.address", "url.full", "http.url", "peer.service"}, c.HostAttributes)
	assert.True(t, c.InferVendor)
	assert.True(t, c.Catalogs.Builtin)
	assert.Empty(t, c.Catalogs.Files)
	assert.Zero(t, c.Catalogs.ReloadInterval)
	assert.Equal(t, "error.catalog.", c.Output.Prefix)
	assert.False(t, c.Output.Description)
	assert.False(t, c.SpanStatus)
	assert.False(t, c.LogSeverity)
}

// TestLifecycle creates, starts, feeds and shuts down each signal's
// processor with the default configuration, checking that data is enriched
// and passed on.
func TestLifecycle(t *testing.T) {
	f := NewFactory()
	ctx := context.Background()
	set := processortest.NewNopSettings(f.Type())

	t.Run("traces", func(t *testing.T) {
		sink := new(consumertest.TracesSink)
		p, err := f.CreateTraces(ctx, set, f.CreateDefaultConfig(), sink)
		require.NoError(t, err)
		assert.True(t, p.Capabilities().MutatesData)
		require.NoError(t, p.Start(ctx, componenttest.NewNopHost()))

		td := ptrace.NewTraces()
		td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().
			Attributes().PutInt("zingle.error.code", 2601)
		require.NoError(t, p.ConsumeTraces(ctx, td))
		require.NoError(t, p.Shutdown(ctx))

		require.Len(t, sink.AllTraces(), 1)
		attrs := sink.AllTraces()[0].ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
		assertAttr(t, attrs, "error.catalog.vendor", "zingle")
		assertAttr(t, attrs, "error.catalog.class", "UNAUTHENTICATED")
	})

	t.Run("logs", func(t *testing.T) {
		sink := new(consumertest.LogsSink)
		p, err := f.CreateLogs(ctx, set, f.CreateDefaultConfig(), sink)
		require.NoError(t, err)
		assert.True(t, p.Capabilities().MutatesData)
		require.NoError(t, p.Start(ctx, componenttest.NewNopHost()))

		ld := plog.NewLogs()
		ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().
			Attributes().PutStr("error.code", "ERR_UID_NOT_FOUND")
		require.NoError(t, p.ConsumeLogs(ctx, ld))
		require.NoError(t, p.Shutdown(ctx))

		require.Len(t, sink.AllLogs(), 1)
		attrs := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()
		assertAttr(t, attrs, "error.catalog.vendor", "cometchat")
		assertAttr(t, attrs, "error.catalog.category", "not_found")
	})

	t.Run("metrics", func(t *testing.T) {
		sink := new(consumertest.MetricsSink)
		p, err := f.CreateMetrics(ctx, set, f.CreateDefaultConfig(), sink)
		require.NoError(t, err)
		assert.True(t, p.Capabilities().MutatesData)
		require.NoError(t, p.Start(ctx, componenttest.NewNopHost()))

		md := pmetric.NewMetrics()
		m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
		m.SetName("calls")
		dp := m.SetEmptySum().DataPoints().AppendEmpty()
		dp.SetIntValue(1)
		dp.Attributes().PutStr("error.code", "record_not_found")
		dp.Attributes().PutStr("error.vendor", "fonedynamics")
		require.NoError(t, p.ConsumeMetrics(ctx, md))
		require.NoError(t, p.Shutdown(ctx))

		require.Len(t, sink.AllMetrics(), 1)
		attrs := sink.AllMetrics()[0].ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Sum().DataPoints().At(0).Attributes()
		assertAttr(t, attrs, "error.catalog.vendor", "fonedynamics")
		assertAttr(t, attrs, "error.catalog.category", "not_found")
	})
}

// TestShutdownWithoutStart checks the collector's shutdown of a processor
// whose Start never ran (another component failed to start).
func TestShutdownWithoutStart(t *testing.T) {
	f := NewFactory()
	set := processortest.NewNopSettings(f.Type())
	create := map[string]func() (component.Component, error){
		"traces": func() (component.Component, error) {
			return f.CreateTraces(context.Background(), set, f.CreateDefaultConfig(), consumertest.NewNop())
		},
		"logs": func() (component.Component, error) {
			return f.CreateLogs(context.Background(), set, f.CreateDefaultConfig(), consumertest.NewNop())
		},
		"metrics": func() (component.Component, error) {
			return f.CreateMetrics(context.Background(), set, f.CreateDefaultConfig(), consumertest.NewNop())
		},
	}
	for name, c := range create {
		t.Run(name, func(t *testing.T) {
			p, err := c()
			require.NoError(t, err)
			require.NoError(t, p.Shutdown(context.Background()))
		})
	}
}

// TestStartFailsOnBadCatalog checks that a catalog that does not load fails
// Start, so the collector refuses to run half-configured.
func TestStartFailsOnBadCatalog(t *testing.T) {
	f := NewFactory()
	cfg := f.CreateDefaultConfig().(*config.Config)
	cfg.Catalogs.Files = []string{"testdata/catalogs/does-not-exist.yaml"}
	p, err := f.CreateTraces(context.Background(), processortest.NewNopSettings(f.Type()), cfg, consumertest.NewNop())
	require.NoError(t, err)
	err = p.Start(context.Background(), componenttest.NewNopHost())
	require.ErrorContains(t, err, "does-not-exist.yaml")
	require.NoError(t, p.Shutdown(context.Background()))
}

func TestVerifyShutdown(t *testing.T) {
	f := NewFactory()
	processortest.VerifyShutdown(t, f, f.CreateDefaultConfig())
}

var _ processor.Factory = NewFactory()

func assertAttr(t *testing.T, attrs pcommon.Map, key, want string) {
	t.Helper()
	v, ok := attrs.Get(key)
	if assert.Truef(t, ok, "attribute %s missing from %v", key, attrs.AsRaw()) {
		assert.Equal(t, want, v.AsString(), key)
	}
}
