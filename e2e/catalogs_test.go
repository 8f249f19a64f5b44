package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// TestUserCatalogs runs the collector with an added in-house vendor whose
// codes collide with NetEase's, and a user override of one Zingle entry.
func TestUserCatalogs(t *testing.T) {
	ix := loadIndex(t, "testdata/otelcol/catalogs/acme.yaml", "testdata/otelcol/catalogs/zingle-override.yaml")
	_, n := ix.Infer(intCode(404))
	require.Equal(t, 2, n, "test premise: 404 is in NetEase's and Acme's catalogs")

	cases := []recordCase{
		{"colliding code without a hint stays unresolved", []attribute.KeyValue{i64("error.code", 404)}, miss("")},
		{"colliding code with the vendor named", []attribute.KeyValue{i64("error.code", 404), str("error.vendor", "acme")}, entry("acme_billing", intCode(404))},
		{"colliding code, vendor by host", []attribute.KeyValue{i64("error.code", 503), str("server.address", "billing.acme.example")}, entry("acme_billing", intCode(503))},
		{"colliding code, the other vendor named", []attribute.KeyValue{i64("error.code", 404), str("error.vendor", "netease")}, entry("netease_im", intCode(404))},
		{"user vendor's unique code inferred", []attribute.KeyValue{i64("error.code", 409)}, entry("acme_billing", intCode(409))},
		{"overridden entry", []attribute.KeyValue{i64("error.code", 2601), str("error.vendor", "zingle")}, entry("zingle", intCode(2601))},
		{"entry next to the override unchanged", []attribute.KeyValue{i64("error.code", 2602), str("error.vendor", "zingle")}, entry("zingle", intCode(2602))},
	}
	override := entry("zingle", intCode(2601)).attrs(t, ix)
	require.Equal(t, "Service Account Rejected", override[prefix+"name"], "test premise: the override is loaded")
	require.Equal(t, "critical", override[prefix+"severity"])
	builtin := entry("zingle", intCode(2602)).attrs(t, builtinIndex(t))
	require.Equal(t, builtin, entry("zingle", intCode(2602)).attrs(t, ix), "test premise: an override replaces only its own entries")

	p := startPipeline(t, "e2e-catalogs.yaml")
	sdk := p.newSDK(t, harness.Traces)
	tracer := sdk.TracerProvider.Tracer("e2e")
	for _, tc := range cases {
		_, span := tracer.Start(context.Background(), tc.name, trace.WithAttributes(tc.attrs...))
		span.End()
	}
	flush(t, sdk)
	harness.Eventually(t, arrival, func() bool { return p.sink.Counts().Spans >= int64(len(cases)) },
		func() string {
			return fmt.Sprintf("the sink received %d of %d spans", p.sink.Counts().Spans, len(cases))
		})
	spans := spansByName(t, p.sink.Traces())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sp, ok := spans[tc.name]
			require.True(t, ok, "span not exported")
			got, _ := split(sp.Attributes())
			assert.Equal(t, tc.want.attrs(t, ix, tc.attrs...), got)
		})
	}
}
