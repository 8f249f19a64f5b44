package processor

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
	"github.com/errorcatalog/errorcatalogprocessor/internal/metadata"
)

// TestBatchMemoMatchesSingleRecords checks that what a batch remembers
// between its records (the last vendor name and host looked up, and what
// each resource's attributes answered) changes nothing: a random batch
// processed whole comes out as its records processed one batch each, and
// the processor's counts agree, skipped values included.
func TestBatchMemoMatchesSingleRecords(t *testing.T) {
	whole := componenttest.NewTelemetry()
	single := componenttest.NewTelemetry()
	t.Cleanup(func() {
		require.NoError(t, whole.Shutdown(context.Background()))
		require.NoError(t, single.Shutdown(context.Background()))
	})
	pw := startProcessor(t, config.Default(), whole.NewTelemetrySettings())
	ps := startProcessor(t, config.Default(), single.NewTelemetrySettings())
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))

	for range 200 {
		ld := randomLogs(rng)
		got := plog.NewLogs()
		ld.CopyTo(got)
		_, err := pw.processLogs(ctx, got)
		require.NoError(t, err)

		want := plog.NewLogs()
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					one := plog.NewLogs()
					orl := one.ResourceLogs().AppendEmpty()
					rl.Resource().CopyTo(orl.Resource())
					lr.CopyTo(orl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
					_, err := ps.processLogs(ctx, one)
					require.NoError(t, err)
					one.ResourceLogs().MoveAndAppendTo(want.ResourceLogs())
				}
			}
		}
		require.Equal(t, logAttrsRaw(want), logAttrsRaw(got))

		td := randomTraces(rng)
		gotT := ptrace.NewTraces()
		td.CopyTo(gotT)
		_, err = pw.processTraces(ctx, gotT)
		require.NoError(t, err)
		wantT := ptrace.NewTraces()
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, sp := range ss.Spans().All() {
					one := ptrace.NewTraces()
					ors := one.ResourceSpans().AppendEmpty()
					rs.Resource().CopyTo(ors.Resource())
					sp.CopyTo(ors.ScopeSpans().AppendEmpty().Spans().AppendEmpty())
					_, err := ps.processTraces(ctx, one)
					require.NoError(t, err)
					one.ResourceSpans().MoveAndAppendTo(wantT.ResourceSpans())
				}
			}
		}
		require.Equal(t, spanAttrsRaw(wantT), spanAttrsRaw(gotT))
	}
	for _, name := range []string{metadata.MetricRecordsEnriched, metadata.MetricCodesUnknown, metadata.MetricCodesAmbiguous, metadata.MetricValuesSkipped} {
		require.Equal(t, counts(t, single, name), counts(t, whole, name), name)
	}
	require.NotEmpty(t, counts(t, whole, metadata.MetricValuesSkipped), "no value was skipped")
}

// hintValues are the vendor names, hosts and codes random records draw
// from: known, unknown, blank and non-string values, repeated so that
// neighbouring records often share one.
var hintValues = struct {
	names, hosts []any
	codes        []any
}{
	names: []any{"zingle", "Speakap", "CommsEase", "twilio", " ", 7, nil},
	hosts: []any{"api.zingle.me", "https://api-us.cometchat.io/v3", "orders.internal.example", "", 443, nil},
	codes: []any{2601, -3, "ERR_UID_NOT_FOUND", "err_uid_not_found", 808, 404, 123456, true, nil},
}

// putRandomHints sets error.vendor, server.address and error.code on m, each
// absent when the drawn value is nil.
func putRandomHints(rng *rand.Rand, m pcommon.Map, withCode bool) {
	put := func(k string, vals []any) {
		v := vals[rng.IntN(len(vals))]
		if v == nil {
			return
		}
		if err := m.PutEmpty(k).FromRaw(v); err != nil {
			panic(err)
		}
	}
	m.PutStr("http.route", "/v1/things")
	put("error.vendor", hintValues.names)
	put("server.address", hintValues.hosts)
	if withCode {
		put("error.code", hintValues.codes)
	}
}

func randomLogs(rng *rand.Rand) plog.Logs {
	ld := plog.NewLogs()
	for range 1 + rng.IntN(3) {
		rl := ld.ResourceLogs().AppendEmpty()
		putRandomHints(rng, rl.Resource().Attributes(), false)
		lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
		for range rng.IntN(8) {
			putRandomHints(rng, lrs.AppendEmpty().Attributes(), true)
		}
	}
	return ld
}

func randomTraces(rng *rand.Rand) ptrace.Traces {
	td := ptrace.NewTraces()
	for range 1 + rng.IntN(3) {
		rs := td.ResourceSpans().AppendEmpty()
		putRandomHints(rng, rs.Resource().Attributes(), false)
		spans := rs.ScopeSpans().AppendEmpty().Spans()
		for range rng.IntN(6) {
			sp := spans.AppendEmpty()
			putRandomHints(rng, sp.Attributes(), rng.IntN(2) == 0)
			for range rng.IntN(3) {
				putRandomHints(rng, sp.Events().AppendEmpty().Attributes(), true)
			}
		}
	}
	return td
}

func logAttrsRaw(ld plog.Logs) []map[string]any {
	var out []map[string]any
	for _, a := range logAttrs(ld) {
		out = append(out, a.AsRaw())
	}
	return out
}

func spanAttrsRaw(td ptrace.Traces) []map[string]any {
	var out []map[string]any
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, sp := range ss.Spans().All() {
				out = append(out, sp.Attributes().AsRaw())
				for _, ev := range sp.Events().All() {
					out = append(out, ev.Attributes().AsRaw())
				}
			}
		}
	}
	return out
}

// TestVendorHintScanMatchesGet checks that reading a record's vendor and
// host attributes in one pass answers as one Get per key does, skipped
// values included: on random records, spans and resources with repeated
// keys, values that name nothing, and a key that is both a vendor and a
// host attribute.
func TestVendorHintScanMatchesGet(t *testing.T) {
	cat, err := catalog.Builtin()
	require.NoError(t, err)
	shared := config.Default()
	shared.VendorAttributes = []string{"error.vendor", "peer.service"}
	shared.HostAttributes = []string{"server.address", "peer.service", "url.full"}
	for _, cfg := range []*config.Config{config.Default(), shared} {
		st, err := newState(cfg, cat)
		require.NoError(t, err)
		require.NotNil(t, st.hintByLen, "the hints are read in one pass")
		get := *st
		get.hintByLen = nil

		keys := append([]string{"http.route", "error.vendoR", "server.addrest"}, cfg.VendorAttributes...)
		keys = append(keys, cfg.HostAttributes...)
		values := []any{"zingle", "CommsEase", "twilio", " ", "", "api.zingle.me",
			"https://api-us.cometchat.io/v3", "orders.internal.example", 7, true}
		rng := rand.New(rand.NewPCG(7, 8))
		randomMap := func() pcommon.Map {
			var parts []string
			for range rng.IntN(7) {
				src := pcommon.NewMap()
				require.NoError(t, src.PutEmpty(keys[rng.IntN(len(keys))]).FromRaw(values[rng.IntN(len(values))]))
				js, err := (&plog.JSONMarshaler{}).MarshalLogs(logsFromMap(src))
				require.NoError(t, err)
				parts = append(parts, attrJSON(t, js))
			}
			js := fmt.Sprintf(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[%s]}]}]}]}`, strings.Join(parts, ","))
			ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs([]byte(js))
			require.NoError(t, err)
			return ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()
		}
		for i := range 3000 {
			rec, span, res := randomMap(), randomMap(), randomMap()
			h := hints{span: span, hasSpan: i%2 == 0, resource: res}
			var sc1, sc2 scratch
			v1, ok1, skipped1 := st.vendorHint(rec, &h, &sc1)
			v2, ok2, skipped2 := get.vendorHint(rec, &h, &sc2)
			require.Equal(t, ok2, ok1, "case %d: %v %v %v", i, rec.AsRaw(), span.AsRaw(), res.AsRaw())
			require.Same(t, v2, v1, "case %d: %v %v %v", i, rec.AsRaw(), span.AsRaw(), res.AsRaw())
			require.Equal(t, skipped2, skipped1, "case %d", i)
		}
	}
}
