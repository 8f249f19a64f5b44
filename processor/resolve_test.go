package processor

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

func TestCodeOf(t *testing.T) {
	tests := []struct {
		name  string
		set   func(v pcommon.Value)
		isInt bool
		num   int64
		str   string
		ok    bool
	}{
		{"int", func(v pcommon.Value) { v.SetInt(2601) }, true, 2601, "2601", true},
		{"int64 max", func(v pcommon.Value) { v.SetInt(math.MaxInt64) }, true, math.MaxInt64, "9223372036854775807", true},
		{"int64 min", func(v pcommon.Value) { v.SetInt(math.MinInt64) }, true, math.MinInt64, "-9223372036854775808", true},
		{"integral double", func(v pcommon.Value) { v.SetDouble(2601) }, true, 2601, "2601", true},
		{"negative integral double", func(v pcommon.Value) { v.SetDouble(-3) }, true, -3, "-3", true},
		{"fraction", func(v pcommon.Value) { v.SetDouble(2601.5) }, false, 0, "", false},
		{"NaN", func(v pcommon.Value) { v.SetDouble(math.NaN()) }, false, 0, "", false},
		{"+Inf", func(v pcommon.Value) { v.SetDouble(math.Inf(1)) }, false, 0, "", false},
		{"-Inf", func(v pcommon.Value) { v.SetDouble(math.Inf(-1)) }, false, 0, "", false},
		{"double beyond int64", func(v pcommon.Value) { v.SetDouble(1e300) }, false, 0, "", false},
		{"string", func(v pcommon.Value) { v.SetStr("ERR_UID_NOT_FOUND") }, false, 0, "ERR_UID_NOT_FOUND", true},
		{"string trimmed", func(v pcommon.Value) { v.SetStr(" \t2601\n") }, true, 2601, "2601", true},
		{"empty string", func(v pcommon.Value) { v.SetStr("") }, false, 0, "", false},
		{"blank string", func(v pcommon.Value) { v.SetStr("   ") }, false, 0, "", false},
		{"bool", func(v pcommon.Value) { v.SetBool(true) }, false, 0, "", false},
		{"bytes", func(v pcommon.Value) { v.SetEmptyBytes().FromRaw([]byte("2601")) }, false, 0, "", false},
		{"map", func(v pcommon.Value) { v.SetEmptyMap().PutInt("code", 2601) }, false, 0, "", false},
		{"slice", func(v pcommon.Value) { v.SetEmptySlice().AppendEmpty().SetInt(2601) }, false, 0, "", false},
		{"empty value", func(pcommon.Value) {}, false, 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := pcommon.NewValueEmpty()
			tt.set(v)
			c, ok := codeOf(v)
			require.Equal(t, tt.ok, ok)
			if !ok {
				return
			}
			n, isInt := c.Int()
			assert.Equal(t, tt.isInt, isInt)
			assert.Equal(t, tt.num, n)
			assert.Equal(t, tt.str, c.String())
		})
	}
}

// TestReadCodeScanMatchesGet checks that reading codes with one pass over
// the attributes gives what one Get per key gives, on random records that
// include non-code values, unrelated keys of the same length, and keys
// repeated as a map decoded from the wire can hold them.
func TestReadCodeScanMatchesGet(t *testing.T) {
	cat, err := catalog.Builtin()
	require.NoError(t, err)
	st, err := newState(config.Default(), cat)
	require.NoError(t, err)
	require.NotNil(t, st.scanByLen, "the default key list is read in one pass")
	get := *st
	get.scanByLen = nil

	keys := []string{"http.route", "error.kode", "error.vendor"}
	for _, k := range st.codeKeys {
		keys = append(keys, k.key)
	}
	values := []func(pcommon.Value){
		func(v pcommon.Value) { v.SetInt(2601) },
		func(v pcommon.Value) { v.SetInt(-3) },
		func(v pcommon.Value) { v.SetStr("ERR_UID_NOT_FOUND") },
		func(v pcommon.Value) { v.SetStr("") },
		func(v pcommon.Value) { v.SetDouble(0.5) },
		func(v pcommon.Value) { v.SetBool(true) },
		func(v pcommon.Value) { v.SetEmptyMap() },
	}
	rng := rand.New(rand.NewPCG(1, 2))
	repeated := 0
	for i := range 5000 {
		// Build the record through the wire format, which keeps repeated keys.
		src := pcommon.NewMap()
		var parts []string
		for range rng.IntN(8) {
			k := keys[rng.IntN(len(keys))]
			v := pcommon.NewValueEmpty()
			values[rng.IntN(len(values))](v)
			src.Clear()
			v.CopyTo(src.PutEmpty(k))
			js, err := (&plog.JSONMarshaler{}).MarshalLogs(logsFromMap(src))
			require.NoError(t, err)
			parts = append(parts, attrJSON(t, js))
		}
		js := fmt.Sprintf(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[%s]}]}]}]}`, strings.Join(parts, ","))
		decoded, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs([]byte(js))
		require.NoError(t, err)
		attrs := decoded.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()

		distinct := map[string]bool{}
		for k := range attrs.All() {
			distinct[k] = true
		}
		if len(distinct) < attrs.Len() {
			repeated++
		}

		c1, k1, s1, ok1 := st.readCode(attrs)
		c2, k2, s2, ok2 := get.readCode(attrs)
		require.Equal(t, ok2, ok1, "record %d: %s", i, js)
		require.Equal(t, k2, k1, "record %d: %s", i, js)
		require.Equal(t, s2, s1, "record %d: %s", i, js)
		require.Equal(t, c2, c1, "record %d: %s", i, js)
	}
	require.Positive(t, repeated, "no record held a repeated key")
}

func logsFromMap(m pcommon.Map) plog.Logs {
	ld := plog.NewLogs()
	m.CopyTo(ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes())
	return ld
}

// attrJSON cuts the one attribute out of a marshaled single-record batch.
func attrJSON(t *testing.T, js []byte) string {
	s := string(js)
	i := strings.Index(s, `"attributes":[`)
	require.GreaterOrEqual(t, i, 0)
	s = s[i+len(`"attributes":[`):]
	depth := 0
	for j, r := range s {
		switch r {
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return s[:j]
			}
			depth--
		}
	}
	t.Fatalf("no attribute in %s", js)
	return ""
}

// TestHostileValues feeds values no service should send, and checks that
// each record passes with only the documented attributes added, whose
// values come from the catalog.
func TestHostileValues(t *testing.T) {
	huge := strings.Repeat("A", 1<<20)
	tests := []struct {
		name  string
		attrs map[string]any
		// want are the written attributes; nil: the record is untouched.
		want map[string]any
	}{
		{
			name:  "1 MB code",
			attrs: map[string]any{"error.code": huge},
			want:  map[string]any{"error.catalog.category": "unknown", "error.catalog.class": "UNKNOWN"},
		},
		{
			name:  "1 MB vendor",
			attrs: map[string]any{"error.code": 2601, "error.vendor": huge},
			want:  map[string]any{"error.catalog.category": "unknown", "error.catalog.class": "UNKNOWN"},
		},
		{
			name:  "1 MB host",
			attrs: map[string]any{"error.code": 2601, "server.address": huge},
			want:  zingle2601(),
		},
		{
			name:  "invalid UTF-8 code",
			attrs: map[string]any{"error.code": "ERR_\xff\xfe"},
			want:  map[string]any{"error.catalog.category": "unknown", "error.catalog.class": "UNKNOWN"},
		},
		{
			name:  "invalid UTF-8 vendor",
			attrs: map[string]any{"error.code": 2601, "error.vendor": "zin\xffgle"},
			want:  map[string]any{"error.catalog.category": "unknown", "error.catalog.class": "UNKNOWN"},
		},
		{
			name:  "URL without a host",
			attrs: map[string]any{"error.code": 2601, "url.full": "file:///etc/passwd"},
			want:  zingle2601(),
		},
		{
			name:  "host with userinfo pointing elsewhere",
			attrs: map[string]any{"error.code": 404, "url.full": "https://api.speakap.com@evil.example/x"},
			want: map[string]any{
				"error.catalog.vendor": "netease_im", "error.catalog.code": "404", "error.catalog.name": "Object Not Found",
				"error.catalog.category": "not_found", "error.catalog.class": "NOT_FOUND", "error.catalog.severity": "warning",
				"error.catalog.retryable": false,
			},
		},
		{
			name:  "int64 max",
			attrs: map[string]any{"error.code": int64(math.MaxInt64)},
			want:  map[string]any{"error.catalog.category": "unknown", "error.catalog.class": "UNKNOWN"},
		},
		{
			name:  "huge double",
			attrs: map[string]any{"error.code": 1e300},
		},
		{
			name:  "negative zero",
			attrs: map[string]any{"error.code": math.Copysign(0, -1)},
			want:  map[string]any{"error.catalog.category": "unknown", "error.catalog.class": "UNKNOWN"},
		},
		{
			name:  "code with spaces inside and mixed case",
			attrs: map[string]any{"error.code": " Err_Uid_Not_Found "},
			want: map[string]any{
				"error.catalog.vendor": "cometchat", "error.catalog.code": "ERR_UID_NOT_FOUND", "error.catalog.name": "User Not Found",
				"error.catalog.category": "not_found", "error.catalog.class": "NOT_FOUND", "error.catalog.severity": "warning",
				"error.catalog.retryable": false,
			},
		},
		{
			name:  "vendor attribute holding a map",
			attrs: map[string]any{"error.code": 2601, "error.vendor": map[string]any{"id": "speakap"}},
			want:  zingle2601(),
		},
	}
	p := startProcessor(t, config.Default(), componenttest.NewNopTelemetrySettings())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ld := logsWith(tt.attrs)
			in := logAttrs(ld)[0]
			before := pcommon.NewMap()
			in.CopyTo(before)

			out, err := p.processLogs(context.Background(), ld)
			require.NoError(t, err)
			require.Equal(t, 1, out.LogRecordCount())
			got := logAttrs(out)[0].AsRaw()
			for k, v := range before.AsRaw() {
				assert.Equal(t, v, got[k], "input attribute %s changed", k)
				delete(got, k)
			}
			if tt.want == nil {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func zingle2601() map[string]any {
	return map[string]any{
		"error.catalog.vendor": "zingle", "error.catalog.code": "2601", "error.catalog.name": "Authentication Failed",
		"error.catalog.category": "authentication", "error.catalog.class": "UNAUTHENTICATED", "error.catalog.severity": "error",
		"error.catalog.retryable": false,
	}
}

// TestBeforeStart checks that data passes untouched through a processor
// whose catalog is not loaded yet.
func TestBeforeStart(t *testing.T) {
	p, err := newCatalogProcessor(config.Default(), componenttest.NewNopTelemetrySettings())
	require.NoError(t, err)
	ld := logsWith(map[string]any{"zingle.error.code": 2601})
	out, err := p.processLogs(context.Background(), ld)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"zingle.error.code": int64(2601)}, logAttrs(out)[0].AsRaw())
	assert.Nil(t, p.currentIndex())
	require.NoError(t, p.shutdown(context.Background()))
}

// TestNoAllocationWithoutCode checks the hot path's promise: a record
// without a code value costs no allocation, with the default key list and
// with a single key.
func TestNoAllocationWithoutCode(t *testing.T) {
	for _, keys := range [][]config.CodeAttribute{nil, {{Key: "error.code"}}} {
		cfg := config.Default()
		cfg.CodeAttributes = keys
		p := startProcessor(t, cfg, componenttest.NewNopTelemetrySettings())
		ld := logsWith(
			map[string]any{"http.route": "/v1/users", "server.address": "api.zingle.me", "error.vendor": "zingle"},
			map[string]any{"error.code": true, "http.request.method": "GET"},
		)
		ctx := context.Background()
		allocs := testing.AllocsPerRun(100, func() {
			_, _ = p.processLogs(ctx, ld)
		})
		assert.Zero(t, allocs, "code attributes %v", keys)
	}
}

// readCode returns the first code value among the code attributes, in the
// configured order, the position of its key, and how many earlier code
// attributes held a value that is not a code (skipped). ok is false when
// the record holds no code value.
func (s *state) readCode(attrs pcommon.Map) (c catalog.Code, key int, skipped int, ok bool) {
	c, key, skipped, ok, _ = s.readCodeAndPayload(attrs)
	return c, key, skipped, ok
}
