package processor

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
	"github.com/errorcatalog/errorcatalogprocessor/internal/metadata"
)

// attr is one attribute of a record as it arrives on the wire: keys may
// repeat, and the order is kept.
type attr struct {
	key string
	set func(pcommon.Value)
}

func vStr(s string) func(pcommon.Value)     { return func(v pcommon.Value) { v.SetStr(s) } }
func vInt(i int64) func(pcommon.Value)      { return func(v pcommon.Value) { v.SetInt(i) } }
func vDouble(d float64) func(pcommon.Value) { return func(v pcommon.Value) { v.SetDouble(d) } }
func vBool(b bool) func(pcommon.Value)      { return func(v pcommon.Value) { v.SetBool(b) } }
func vBytes(b []byte) func(pcommon.Value) {
	return func(v pcommon.Value) { v.SetEmptyBytes().FromRaw(b) }
}
func vEmpty() func(pcommon.Value) { return func(pcommon.Value) {} }
func vMap(m map[string]any) func(pcommon.Value) {
	return func(v pcommon.Value) {
		if err := v.SetEmptyMap().FromRaw(m); err != nil {
			panic(err)
		}
	}
}

func vSlice(s []any) func(pcommon.Value) {
	return func(v pcommon.Value) {
		if err := v.SetEmptySlice().FromRaw(s); err != nil {
			panic(err)
		}
	}
}

// wireMap returns a map holding attrs in order. A map built with Put holds
// each key once; one decoded from OTLP keeps every repeated key, so attrs
// with a repeated key go through the OTLP/JSON decoder.
func wireMap(t testing.TB, attrs []attr) pcommon.Map {
	t.Helper()
	seen := map[string]bool{}
	repeated := false
	for _, a := range attrs {
		repeated = repeated || seen[a.key]
		seen[a.key] = true
	}
	ld := plog.NewLogs()
	m := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes()
	if !repeated {
		for _, a := range attrs {
			a.set(m.PutEmpty(a.key))
		}
		return m
	}
	// Unique placeholder keys, renamed to the real ones in the JSON.
	for i, a := range attrs {
		a.set(m.PutEmpty(fmt.Sprintf("placeholder-%04d", i)))
	}
	js, err := (&plog.JSONMarshaler{}).MarshalLogs(ld)
	require.NoError(t, err)
	s := string(js)
	for i, a := range attrs {
		q, err := json.Marshal(a.key)
		require.NoError(t, err)
		s = strings.Replace(s, fmt.Sprintf(`"key":"placeholder-%04d"`, i), `"key":`+string(q), 1)
	}
	decoded, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs([]byte(s))
	require.NoError(t, err)
	out := decoded.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()
	require.Equal(t, len(attrs), out.Len(), "the decoder kept every repeated key")
	return out
}

// kv is an attribute flattened for exact comparison.
type kv struct{ key, value string }

// flat lists every attribute of m in order, repeated keys included, with
// values encoded exactly: type, bits of doubles, bytes of strings.
func flat(m pcommon.Map) []kv {
	out := make([]kv, 0, m.Len())
	for k, v := range m.All() {
		out = append(out, kv{k, exact(v)})
	}
	return out
}

func exact(v pcommon.Value) string {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return "str:" + strconv.Quote(v.Str())
	case pcommon.ValueTypeInt:
		return "int:" + strconv.FormatInt(v.Int(), 10)
	case pcommon.ValueTypeDouble:
		return "double:" + strconv.FormatUint(math.Float64bits(v.Double()), 16)
	case pcommon.ValueTypeBool:
		return "bool:" + strconv.FormatBool(v.Bool())
	case pcommon.ValueTypeBytes:
		return "bytes:" + strconv.Quote(string(v.Bytes().AsRaw()))
	case pcommon.ValueTypeMap:
		var b strings.Builder
		b.WriteString("map{")
		for _, e := range flat(v.Map()) {
			b.WriteString(strconv.Quote(e.key) + "=" + e.value + ",")
		}
		return b.String() + "}"
	case pcommon.ValueTypeSlice:
		var b strings.Builder
		b.WriteString("slice[")
		for _, e := range v.Slice().All() {
			b.WriteString(exact(e) + ",")
		}
		return b.String() + "]"
	default:
		return "empty"
	}
}

// split separates the attributes under prefix from the others.
func split(list []kv, prefix string) (under, outside []kv) {
	for _, e := range list {
		if strings.HasPrefix(e.key, prefix) {
			under = append(under, e)
		} else {
			outside = append(outside, e)
		}
	}
	return under, outside
}

// checkRecord checks one record's attributes after processing: the
// attributes outside the prefix are exactly those that arrived, in order;
// with want nil the record is exactly as it arrived; otherwise the prefix
// holds each of want's attributes once, and nothing else.
func checkRecord(t *testing.T, what string, before []kv, after pcommon.Map, want map[string]any) {
	t.Helper()
	got := flat(after)
	if want == nil {
		require.Equal(t, before, got, "%s: a record without a code value is untouched", what)
		return
	}
	_, outBefore := split(before, config.DefaultPrefix)
	under, outAfter := split(got, config.DefaultPrefix)
	require.Equal(t, outBefore, outAfter, "%s: attributes outside the prefix changed", what)
	written := map[string]any{}
	for _, e := range under {
		_, dup := written[e.key]
		require.False(t, dup, "%s: %s written twice: %v", what, e.key, under)
		v, _ := after.Get(e.key)
		written[e.key] = v.AsRaw()
	}
	require.Equal(t, want, written, what)
}

// expect builds the attributes the processor writes for an entry of ix.
type expect struct{ ix *catalog.Index }

func builtinExpect(t testing.TB) expect {
	t.Helper()
	cat, err := catalog.Builtin()
	require.NoError(t, err)
	return expect{catalog.NewIndex(cat)}
}

func (x expect) found(vendor string, code catalog.Code) map[string]any {
	v, ok := x.ix.VendorByName(vendor)
	if !ok {
		panic("no vendor " + vendor)
	}
	e, ok := x.ix.Lookup(v, code)
	if !ok {
		panic(fmt.Sprintf("no code %v in %s", code, vendor))
	}
	return entryAttrs(config.DefaultPrefix, e, false)
}

func (x expect) foundInt(vendor string, code int64) map[string]any {
	return x.found(vendor, catalog.IntCode(code))
}

func (x expect) foundStr(vendor, code string) map[string]any {
	c, _ := catalog.StringCode(code)
	return x.found(vendor, c)
}

// unknownOf is a code the vendor does not document; "" for no vendor.
func unknownOf(vendor string) map[string]any {
	m := map[string]any{"error.catalog.category": "unknown", "error.catalog.class": "UNKNOWN"}
	if vendor != "" {
		m["error.catalog.vendor"] = vendor
	}
	return m
}

// entryAttrs are the attributes written for e under prefix.
func entryAttrs(prefix string, e *catalog.Entry, description bool) map[string]any {
	m := map[string]any{
		prefix + "vendor":    e.Vendor.ID,
		prefix + "code":      e.Code,
		prefix + "name":      e.Name,
		prefix + "category":  e.Category.String(),
		prefix + "class":     e.Class.String(),
		prefix + "severity":  e.Severity.String(),
		prefix + "retryable": e.Retryable,
	}
	if e.HTTPStatus != 0 {
		m[prefix+"http_status"] = int64(e.HTTPStatus)
	}
	if description && e.Description != "" {
		m[prefix+"description"] = e.Description
	}
	return m
}

// hostileCase is one record no well-behaved service sends.
type hostileCase struct {
	name     string
	attrs    []attr
	resource []attr
	// want are the attributes under the prefix afterwards; nil: the record
	// is untouched.
	want map[string]any
	// skippedCode and skippedVendor are the values_skipped counts, by
	// reason, for one record.
	skippedCode, skippedVendor int64
}

func hostileCases(t testing.TB) []hostileCase {
	x := builtinExpect(t)
	mib := strings.Repeat("A", 1<<20)
	mibDigits := strings.Repeat("9", 1<<20)
	mibHost := strings.Repeat("a.", 1<<19) + "speakap.com"
	code := func(set func(pcommon.Value)) []attr { return []attr{{"error.code", set}} }
	code2601 := attr{"error.code", vInt(2601)}
	with2601 := func(more ...attr) []attr { return append([]attr{code2601}, more...) }
	zingle := x.foundInt("zingle", 2601)
	cometchat := x.foundStr("cometchat", "ERR_UID_NOT_FOUND")

	cases := []hostileCase{
		// Every value type, and every edge of each, in the code attribute.
		{name: "code: empty value", attrs: code(vEmpty()), skippedCode: 1},
		{name: "code: bool", attrs: code(vBool(true)), skippedCode: 1},
		{name: "code: map holding a code", attrs: code(vMap(map[string]any{"code": 2601})), skippedCode: 1},
		{name: "code: empty map", attrs: code(vMap(map[string]any{})), skippedCode: 1},
		{name: "code: slice holding a code", attrs: code(vSlice([]any{2601})), skippedCode: 1},
		{name: "code: bytes holding a code", attrs: code(vBytes([]byte("2601"))), skippedCode: 1},
		{name: "code: empty bytes", attrs: code(vBytes(nil)), skippedCode: 1},
		{name: "code: empty string", attrs: code(vStr("")), skippedCode: 1},
		{name: "code: blank string", attrs: code(vStr(" \t\r\n\v\f")), skippedCode: 1},
		{name: "code: NaN", attrs: code(vDouble(math.NaN())), skippedCode: 1},
		{name: "code: +Inf", attrs: code(vDouble(math.Inf(1))), skippedCode: 1},
		{name: "code: -Inf", attrs: code(vDouble(math.Inf(-1))), skippedCode: 1},
		{name: "code: 1e300", attrs: code(vDouble(1e300)), skippedCode: 1},
		{name: "code: -MaxFloat64", attrs: code(vDouble(-math.MaxFloat64)), skippedCode: 1},
		{name: "code: 2^63 as double", attrs: code(vDouble(math.Pow(2, 63))), skippedCode: 1},
		{name: "code: fraction", attrs: code(vDouble(2601.5)), skippedCode: 1},
		{name: "code: smallest subnormal", attrs: code(vDouble(math.SmallestNonzeroFloat64)), skippedCode: 1},
		{name: "code: -2^63 as double", attrs: code(vDouble(-math.Pow(2, 63))), want: unknownOf("")},
		{name: "code: negative zero", attrs: code(vDouble(math.Copysign(0, -1))), want: unknownOf("")},
		{name: "code: integral double", attrs: code(vDouble(2601)), want: zingle},
		{name: "code: int64 max", attrs: code(vInt(math.MaxInt64)), want: unknownOf("")},
		{name: "code: int64 min", attrs: code(vInt(math.MinInt64)), want: unknownOf("")},
		{name: "code: zero", attrs: code(vInt(0)), want: unknownOf("")},
		{name: "code: 1 MiB string", attrs: code(vStr(mib)), want: unknownOf("")},
		{name: "code: 1 MiB of digits", attrs: code(vStr(mibDigits)), want: unknownOf("")},
		{name: "code: integer beyond int64 as string", attrs: code(vStr("9223372036854775808")), want: unknownOf("")},
		{name: "code: invalid UTF-8", attrs: code(vStr("ERR_\xff\xfe")), want: unknownOf("")},
		{name: "code: NUL byte", attrs: code(vStr("2601\x00")), want: unknownOf("")},
		{name: "code: mixed case with surrounding spaces", attrs: code(vStr("  Err_Uid_Not_Found\t")), want: cometchat},
		{name: "code: lower case", attrs: code(vStr("err_uid_not_found")), want: cometchat},
		{name: "code: spaces inside", attrs: code(vStr("ERR UID NOT FOUND")), want: unknownOf("")},
		{name: "code: two codes in one string", attrs: code(vStr("2601 2602")), want: unknownOf("")},
		{name: "code: signed decimal string", attrs: code(vStr("+2601")), want: zingle},
		{name: "code: leading zeros", attrs: code(vStr("02601")), want: zingle},
		{name: "code: hexadecimal string", attrs: code(vStr("0xA29")), want: unknownOf("")},
		{name: "code: no-break spaces around", attrs: code(vStr("\u00a02601\u00a0")), want: zingle},
		{name: "code: full-width digits", attrs: code(vStr("２６０１")), want: unknownOf("")},

		// The first code attribute holding a code value wins; values that
		// are not codes are skipped and counted.
		{name: "code keys: non-code value, then a vendor's code attribute",
			attrs: []attr{{"error.code", vBool(false)}, {"zingle.error.code", vInt(2601)}}, want: zingle, skippedCode: 1},
		{name: "code keys: bound vendor without the code",
			attrs: []attr{{"error.code", vDouble(math.NaN())}, {"speakap.error.code", vStr("x")}}, want: unknownOf("speakap"), skippedCode: 1},
		{name: "code keys: every one holding a non-code value",
			attrs: []attr{
				{"error.code", vBool(true)}, {"speakap.error.code", vMap(nil)}, {"zingle.error.code", vSlice(nil)},
				{"cometchat.error.code", vBytes([]byte("x"))}, {"netease_im.error.code", vStr(" ")}, {"fonedynamics.error.code", vEmpty()},
			}, skippedCode: 6},

		// The vendor attribute: every value type, and names the catalog
		// does not have. 2601 alone infers zingle.
		{name: "vendor: empty value", attrs: with2601(attr{"error.vendor", vEmpty()}), want: zingle, skippedVendor: 1},
		{name: "vendor: bool", attrs: with2601(attr{"error.vendor", vBool(true)}), want: zingle, skippedVendor: 1},
		{name: "vendor: int", attrs: with2601(attr{"error.vendor", vInt(7)}), want: zingle, skippedVendor: 1},
		{name: "vendor: double", attrs: with2601(attr{"error.vendor", vDouble(math.NaN())}), want: zingle, skippedVendor: 1},
		{name: "vendor: map", attrs: with2601(attr{"error.vendor", vMap(map[string]any{"id": "speakap"})}), want: zingle, skippedVendor: 1},
		{name: "vendor: slice", attrs: with2601(attr{"error.vendor", vSlice([]any{"speakap"})}), want: zingle, skippedVendor: 1},
		{name: "vendor: bytes", attrs: with2601(attr{"error.vendor", vBytes([]byte("speakap"))}), want: zingle, skippedVendor: 1},
		{name: "vendor: empty string", attrs: with2601(attr{"error.vendor", vStr("")}), want: zingle, skippedVendor: 1},
		{name: "vendor: blank string", attrs: with2601(attr{"error.vendor", vStr(" \t ")}), want: zingle, skippedVendor: 1},
		{name: "vendor: no-break spaces only", attrs: with2601(attr{"error.vendor", vStr("\u00a0\u00a0")}), want: zingle, skippedVendor: 1},
		{name: "vendor: 1 MiB string", attrs: with2601(attr{"error.vendor", vStr(mib)}), want: unknownOf("")},
		{name: "vendor: unknown vendor", attrs: with2601(attr{"error.vendor", vStr("twilio")}), want: unknownOf("")},
		{name: "vendor: invalid UTF-8", attrs: with2601(attr{"error.vendor", vStr("zin\xffgle")}), want: unknownOf("")},
		{name: "vendor: upper case", attrs: with2601(attr{"error.vendor", vStr("ZINGLE")}), want: zingle},
		{name: "vendor: surrounding spaces", attrs: with2601(attr{"error.vendor", vStr(" Zingle\t")}), want: zingle},
		{name: "vendor: alias", attrs: []attr{{"error.code", vInt(200)}, {"error.vendor", vStr("Yunxin")}}, want: x.foundInt("netease_im", 200)},
		{name: "vendor: known vendor without the code",
			attrs: []attr{{"error.code", vStr("ERR_UID_NOT_FOUND")}, {"error.vendor", vStr("zingle")}}, want: unknownOf("zingle")},
		{name: "vendor: on the resource", attrs: code(vInt(-5)), resource: []attr{{"error.vendor", vStr("speakap")}},
			want: x.foundInt("speakap", -5)},
		{name: "vendor: not a name on the resource", attrs: code(vInt(2601)), resource: []attr{{"error.vendor", vInt(1)}},
			want: zingle, skippedVendor: 1},
		{name: "vendor: the record's outranks the resource's", attrs: with2601(attr{"error.vendor", vStr("twilio")}),
			resource: []attr{{"error.vendor", vStr("zingle")}}, want: unknownOf("")},

		// Host attributes: only strings whose host matches a pattern answer.
		// 2601 is not a Speakap code, so a host naming Speakap shows as an
		// unknown Speakap code; one naming nothing leaves inference (zingle).
		{name: "host: matching", attrs: with2601(attr{"server.address", vStr("api.speakap.com")}), want: unknownOf("speakap")},
		{name: "host: URL with userinfo, port, query", attrs: with2601(attr{"url.full", vStr("https://u:p@API.Speakap.IO:8443/x?y#z")}),
			want: unknownOf("speakap")},
		{name: "host: int", attrs: with2601(attr{"server.address", vInt(1)}), want: zingle},
		{name: "host: map", attrs: with2601(attr{"server.address", vMap(map[string]any{"host": "api.speakap.com"})}), want: zingle},
		{name: "host: bytes", attrs: with2601(attr{"url.full", vBytes([]byte("https://api.speakap.com/"))}), want: zingle},
		{name: "host: empty", attrs: with2601(attr{"server.address", vStr("")}), want: zingle},
		{name: "host: in the query", attrs: with2601(attr{"url.full", vStr("https://evil.example/?next=https://api.speakap.com")}), want: zingle},
		{name: "host: pattern domain as a prefix", attrs: with2601(attr{"url.full", vStr("https://api.speakap.com.evil.example/")}), want: zingle},
		{name: "host: pattern domain as a suffix without a dot", attrs: with2601(attr{"server.address", vStr("evilspeakap.com")}), want: zingle},
		{name: "host: 1 MiB without a match", attrs: with2601(attr{"server.address", vStr(mib)}), want: zingle},
		{name: "host: 1 MiB under a pattern's domain", attrs: with2601(attr{"server.address", vStr(mibHost)}), want: unknownOf("speakap")},
		{name: "host: IPv6 with port", attrs: with2601(attr{"peer.service", vStr("[::1]:4317")}), want: zingle},
		{name: "host: invalid UTF-8", attrs: with2601(attr{"server.address", vStr("\xff\xfe.zingle.me")}), want: zingle},

		// Keys: nothing but the exact configured keys is read.
		{name: "keys: near misses", attrs: []attr{
			{"", vInt(2601)}, {"ERROR.CODE", vInt(2601)}, {"error.code ", vInt(2601)}, {"error.code\x00", vInt(2601)},
			{strings.Repeat("k", 1<<16), vInt(2601)}, {"\xff", vInt(2601)},
		}},
		{name: "keys: look-alikes of the prefix are not the prefix", attrs: with2601(
			attr{"error.catalog", vStr("kept")}, attr{"error.catalogue.category", vStr("kept")}, attr{"Error.Catalog.category", vStr("kept")}),
			want: zingle},
		{name: "keys: stale attributes under the prefix", attrs: with2601(
			attr{"error.catalog.description", vStr("stale")}, attr{"error.catalog.http_status", vStr("stale")},
			attr{"error.catalog.other", vInt(1)}, attr{"error.catalog.category", vMap(nil)}),
			want: zingle},

		// Repeated keys, as a map decoded from the wire can hold them: the
		// first occurrence counts, as with Get.
		{name: "repeated: code, non-code value first", attrs: []attr{{"error.code", vBool(true)}, {"error.code", vInt(2601)}}, skippedCode: 1},
		{name: "repeated: code, two codes", attrs: []attr{{"error.code", vInt(2601)}, {"error.code", vStr("ERR_UID_NOT_FOUND")}}, want: zingle},
		{name: "repeated: vendor-bound code key", attrs: []attr{{"zingle.error.code", vStr("x")}, {"zingle.error.code", vInt(2601)}},
			want: unknownOf("zingle")},
		{name: "repeated: vendor", attrs: with2601(attr{"error.vendor", vStr("twilio")}, attr{"error.vendor", vStr("zingle")}),
			want: unknownOf("")},
		{name: "repeated: prefix attributes the processor writes", attrs: with2601(
			attr{"error.catalog.category", vStr("injected-1")}, attr{"error.catalog.vendor", vStr("evil")},
			attr{"error.catalog.category", vStr("injected-2")}, attr{"error.catalog.name", vStr("x")},
			attr{"error.catalog.name", vStr("y")}, attr{"error.catalog.category", vInt(3)}),
			want: zingle},
		{name: "repeated: prefix attributes on a miss", attrs: []attr{
			{"error.catalog.code", vStr("injected")}, {"error.code", vStr("nope")}, {"error.catalog.code", vStr("injected")},
			{"error.catalog.class", vStr("injected")}, {"error.catalog.class", vStr("injected")}},
			want: unknownOf("")},
		{name: "repeated: prefix attributes without a code", attrs: []attr{
			{"error.catalog.category", vStr("theirs")}, {"error.catalog.category", vStr("theirs too")}, {"http.route", vStr("/")}}},
	}
	return cases
}

// TestBadTelemetryMatrix sends every hostile record on every signal, and on
// span events, through a processor with the default configuration: each
// passes with only the documented attributes added, every value from the
// catalog, and the counters tell what was skipped.
func TestBadTelemetryMatrix(t *testing.T) {
	for _, tc := range hostileCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			tel := componenttest.NewTelemetry()
			t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
			p := startProcessor(t, config.Default(), tel.NewTelemetrySettings())
			ctx := context.Background()
			rec := wireMap(t, tc.attrs)
			res := wireMap(t, tc.resource)
			before := flat(rec)
			resBefore := flat(res)

			ld := plog.NewLogs()
			rl := ld.ResourceLogs().AppendEmpty()
			res.CopyTo(rl.Resource().Attributes())
			rec.CopyTo(rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes())
			ld, err := p.processLogs(ctx, ld)
			require.NoError(t, err)
			require.Equal(t, 1, ld.LogRecordCount())
			checkRecord(t, "log record", before, logAttrs(ld)[0], tc.want)
			require.Equal(t, resBefore, flat(ld.ResourceLogs().At(0).Resource().Attributes()), "resource changed")

			td := ptrace.NewTraces()
			rs := td.ResourceSpans().AppendEmpty()
			res.CopyTo(rs.Resource().Attributes())
			spans := rs.ScopeSpans().AppendEmpty().Spans()
			rec.CopyTo(spans.AppendEmpty().Attributes())
			// A span without attributes, whose one event is the record.
			rec.CopyTo(spans.AppendEmpty().Events().AppendEmpty().Attributes())
			td, err = p.processTraces(ctx, td)
			require.NoError(t, err)
			require.Equal(t, 2, td.SpanCount())
			spans = td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
			checkRecord(t, "span", before, spans.At(0).Attributes(), tc.want)
			checkRecord(t, "span event", before, spans.At(1).Events().At(0).Attributes(), tc.want)
			require.Zero(t, spans.At(1).Attributes().Len())
			require.Equal(t, resBefore, flat(td.ResourceSpans().At(0).Resource().Attributes()), "resource changed")

			md := pmetric.NewMetrics()
			rm := md.ResourceMetrics().AppendEmpty()
			res.CopyTo(rm.Resource().Attributes())
			rec.CopyTo(rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty().SetEmptyGauge().DataPoints().AppendEmpty().Attributes())
			md, err = p.processMetrics(ctx, md)
			require.NoError(t, err)
			require.Equal(t, 1, md.DataPointCount())
			dp := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Gauge().DataPoints().At(0)
			checkRecord(t, "data point", before, dp.Attributes(), tc.want)

			// Four records: a log record, a span, a span event, a data point.
			const records = 4
			skipped := counts(t, tel, metadata.MetricValuesSkipped)
			assert.Equal(t, records*tc.skippedCode, skipped["reason=non_code_value"], "non-code values skipped")
			assert.Equal(t, records*tc.skippedVendor, skipped["reason=non_vendor_value"], "non-vendor values skipped")
			var enriched int64
			for _, n := range counts(t, tel, metadata.MetricRecordsEnriched) {
				enriched += n
			}
			if tc.want == nil {
				assert.Zero(t, enriched, "records enriched")
				assert.Empty(t, counts(t, tel, metadata.MetricCodesUnknown))
				return
			}
			assert.Equal(t, int64(records), enriched, "records enriched")
			var unknown int64
			for _, n := range counts(t, tel, metadata.MetricCodesUnknown) {
				unknown += n
			}
			if tc.want["error.catalog.code"] == nil {
				assert.Equal(t, int64(records), unknown, "codes unknown")
			} else {
				assert.Zero(t, unknown, "codes unknown")
			}
		})
	}
}

// catalogValues lists, per written attribute, every value the catalog can
// produce: the only values the processor may write.
func catalogValues(prefix string, ix *catalog.Index) map[string]map[any]bool {
	vals := map[string]map[any]bool{}
	add := func(k string, v any) {
		if vals[prefix+k] == nil {
			vals[prefix+k] = map[any]bool{}
		}
		vals[prefix+k][v] = true
	}
	add("category", catalog.CategoryUnknown.String())
	add("class", catalog.ClassUnknown.String())
	for _, v := range ix.Vendors() {
		add("vendor", v.ID)
	}
	for _, e := range ix.Catalog().Entries() {
		add("code", e.Code)
		add("name", e.Name)
		add("category", e.Category.String())
		add("class", e.Class.String())
		add("severity", e.Severity.String())
		add("retryable", e.Retryable)
		if e.HTTPStatus != 0 {
			add("http_status", int64(e.HTTPStatus))
		}
		if e.Description != "" {
			add("description", e.Description)
		}
	}
	return vals
}

// TestCardinalityBoundedByCatalog sends records with random codes, vendor
// names and hosts, most of them unknown: whatever arrives, the values
// written and the labels of the processor's own metrics come from the
// catalog, so their number cannot grow with the input.
func TestCardinalityBoundedByCatalog(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	cfg := config.Default()
	cfg.Output.Description = true
	p := startProcessor(t, cfg, tel.NewTelemetrySettings())
	allowed := catalogValues(config.DefaultPrefix, p.currentIndex())

	rng := rand.New(rand.NewPCG(7, 11))
	// Random bytes after a letter: never blank, so every record holds a
	// code value.
	randomString := func() string {
		b := make([]byte, 1+rng.IntN(24))
		b[0] = 'x'
		for i := 1; i < len(b); i++ {
			b[i] = byte(rng.IntN(256))
		}
		return string(b)
	}
	known := []string{"2601", "-5", "ERR_UID_NOT_FOUND", "200", "RECORD_NOT_FOUND", "13004"}
	vendors := []string{"zingle", "speakap", "yunxin", "cometchat", "fone dynamics"}
	hosts := []string{"api.zingle.me", "https://x.cometchat.io/v3", "speakap.io:443"}
	const records = 20000
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i := range records {
		m := lrs.AppendEmpty().Attributes()
		switch rng.IntN(4) {
		case 0:
			m.PutInt("error.code", rng.Int64()-rng.Int64())
		case 1:
			m.PutStr("error.code", randomString())
		case 2:
			m.PutStr("error.code", known[rng.IntN(len(known))])
		default:
			m.PutStr("error.code", strconv.Itoa(i))
		}
		switch rng.IntN(3) {
		case 0:
			m.PutStr("error.vendor", randomString())
		case 1:
			m.PutStr("error.vendor", vendors[rng.IntN(len(vendors))])
		}
		switch rng.IntN(3) {
		case 0:
			m.PutStr("url.full", "https://"+randomString()+"/")
		case 1:
			m.PutStr("server.address", hosts[rng.IntN(len(hosts))])
		}
	}
	out, err := p.processLogs(context.Background(), ld)
	require.NoError(t, err)
	require.Equal(t, records, out.LogRecordCount())
	distinct := map[string]map[any]bool{}
	for _, attrs := range logAttrs(out) {
		for k, v := range attrs.All() {
			if !strings.HasPrefix(k, config.DefaultPrefix) {
				continue
			}
			raw := v.AsRaw()
			require.True(t, allowed[k][raw], "%s = %#v is not a catalog value", k, raw)
			if distinct[k] == nil {
				distinct[k] = map[any]bool{}
			}
			distinct[k][raw] = true
		}
	}
	t.Logf("distinct values written: vendor %d, code %d, category %d, class %d",
		len(distinct["error.catalog.vendor"]), len(distinct["error.catalog.code"]),
		len(distinct["error.catalog.category"]), len(distinct["error.catalog.class"]))

	// The processor's metrics: vendor labels are catalog ids or "unknown".
	ids := map[string]bool{noVendor: true}
	for _, v := range p.currentIndex().Vendors() {
		ids[v.ID] = true
	}
	var enriched int64
	for set, n := range counts(t, tel, metadata.MetricRecordsEnriched) {
		vendor := labelOf(set, "vendor")
		require.True(t, ids[vendor], "vendor label %q", vendor)
		enriched += n
	}
	require.Equal(t, int64(records), enriched)
	for set := range counts(t, tel, metadata.MetricCodesUnknown) {
		require.True(t, ids[labelOf(set, "vendor")], "vendor label in %q", set)
	}
	require.LessOrEqual(t, len(counts(t, tel, metadata.MetricRecordsEnriched)), (len(ids))*len(catalog.Categories()))
}

// labelOf returns the value of label in an encoded attribute set
// ("category=x,signal=y,vendor=z").
func labelOf(set, label string) string {
	for _, part := range strings.Split(set, ",") {
		if v, ok := strings.CutPrefix(part, label+"="); ok {
			return v
		}
	}
	return ""
}

// TestBoundedMemoryPerRecord checks that a record costs the processor a
// bounded amount of memory whatever its values hold: 1 MiB codes, vendor
// names and hosts are read in place, never copied.
func TestBoundedMemoryPerRecord(t *testing.T) {
	p := startProcessor(t, config.Default(), componenttest.NewNopTelemetrySettings())
	mib := strings.Repeat("9", 1<<20)
	host := strings.Repeat("a.", 1<<19) + "zingle.me"
	const batches, perBatch = 8, 64
	build := func() plog.Logs {
		ld := plog.NewLogs()
		lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
		for i := range perBatch {
			m := lrs.AppendEmpty().Attributes()
			switch i % 4 {
			case 0:
				m.PutStr("error.code", mib)
			case 1:
				m.PutInt("error.code", 2601)
				m.PutStr("error.vendor", mib)
			case 2:
				m.PutInt("error.code", 2601)
				m.PutStr("server.address", host)
			default:
				m.PutStr("zingle.error.code", " "+mib[:1000]+" ")
			}
		}
		return ld
	}
	ctx := context.Background()
	// Fresh batches: the first pass grows each record by the written
	// attributes. Then the same batches again: rewriting costs nothing more.
	var lds []plog.Logs
	for range batches {
		lds = append(lds, build())
	}
	perRecord := func(run func()) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		run()
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / (batches * perBatch)
	}
	first := perRecord(func() {
		for _, ld := range lds {
			_, err := p.processLogs(ctx, ld)
			require.NoError(t, err)
		}
	})
	process := func() {
		for _, ld := range lds {
			_, err := p.processLogs(ctx, ld)
			require.NoError(t, err)
		}
	}
	again := perRecord(process)
	third := perRecord(process)
	t.Logf("bytes allocated per record holding 1 MiB values: first pass %d, second %d, third %d", first, again, third)
	// The written attributes take well under 1 KiB per record; a copy of
	// any input value would take 1 MiB.
	for _, n := range []uint64{first, again, third} {
		assert.Less(t, n, uint64(1024))
	}
	for _, ld := range lds {
		for i, attrs := range logAttrs(ld) {
			require.NotEmpty(t, str(attrs, "error.catalog.category"), "record %d", i)
		}
	}
}
