package processor

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
	"github.com/errorcatalog/errorcatalogprocessor/internal/metadata"
)

// hostilePayload is one bad payload: the body a log record carries, and
// the outcome it must be counted under.
type hostilePayload struct {
	name    string
	body    func() string
	outcome string
}

// hostilePayloads are the payloads a hostile or broken producer sends.
// Each one is passed through untouched and counted under its outcome.
func hostilePayloads() []hostilePayload {
	cc := `{"error":{"code":"ERR_UID_NOT_FOUND"}}`
	return []hostilePayload{
		{"invalid JSON", func() string { return `{"error":{"code":"ERR_UID_NOT_FOUND"` + `,]}` }, "invalid_json"},
		{"truncated JSON", func() string { return cc[:len(cc)-3] }, "invalid_json"},
		{"16 MiB body", func() string { return `{"pad":"` + strings.Repeat("x", 16<<20) + `",` + cc[1:] }, "too_large"},
		{"10,000 levels of nesting", func() string { return strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000) }, "too_deep"},
		{"a million-element array", func() string { return `{"a":[` + strings.Repeat("0,", 1_000_000) + `0]}` }, "too_large"},
		{"a large array within the size limit", func() string { return `{"a":[` + strings.Repeat("0,", 20_000) + `0],` + cc[1:] }, "too_many_keys"},
		{"duplicate keys naming two entries", func() string { return `{"error":{"code":"ERR_UID_NOT_FOUND","code":"ERR_GUID_NOT_FOUND"}}` }, "conflict"},
		{"1e400 at a code path", func() string { return `{"code":1e400}` }, "no_match"},
		{"-0 at a code path", func() string { return `{"code":-0}` }, "no_match"},
		{"invalid UTF-8", func() string { return "{\"msg\":\"\xff\xfe\"," + cc[1:] }, "invalid_json"},
		{"keys that look like paths", func() string { return `{"error.code":"ERR_UID_NOT_FOUND","error/code":"ERR_UID_NOT_FOUND"}` }, "no_match"},
		{"escaped keys", func() string { return `{"\u0065rror":{"\u0063ode":"ERR_UID_NOT_FOUND"}}` }, "no_match"},
		{"a code with escapes", func() string { return `{"error":{"code":"ERR_UID_NOT_FOUN\u0044"}}` }, "no_match"},
		{"JSON that is an array", func() string { return `[` + cc + `]` }, ""},
		{"JSON that is a string", func() string { return `"` + cc + `"` }, ""},
		{"trailing garbage", func() string { return cc + `}` }, "invalid_json"},
		{"NUL bytes", func() string { return "{\"a\":\"\x00\"," + cc[1:] }, "invalid_json"},
		{"the worst case within the limits", worstCasePayload, "no_match"},
	}
}

// worstCasePayload is valid JSON at the default limits: just under
// 64 KiB, 1,023 keys, each a wanted key holding an object, nested as deep
// as allowed at the end.
func worstCasePayload() string {
	var sb strings.Builder
	sb.WriteString(`{"pad":"`)
	const keys = config.DefaultPayloadMaxKeys - 8
	for i := 0; sb.Len() < config.DefaultPayloadMaxBytes-keys*16-200; i++ {
		sb.WriteString("abcdefghijklmnopqrstuvwxyz0123456789")
	}
	sb.WriteString(`"`)
	for i := 0; i < keys-1; i++ {
		sb.WriteString(`,"code":{}`)
	}
	sb.WriteString(`,"x":` + strings.Repeat(`{"code":`, config.DefaultPayloadMaxDepth-1) + `0` + strings.Repeat("}", config.DefaultPayloadMaxDepth-1) + "}")
	return sb.String()
}

// TestHostilePayloads sends each hostile payload as a log body and as a
// captured response body: the record passes through untouched, the batch
// loses nothing, and the payload is counted under its outcome.
func TestHostilePayloads(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	p := startProcessor(t, config.Default(), tel.NewTelemetrySettings())
	want := map[string]int64{}
	for _, hp := range hostilePayloads() {
		t.Run(hp.name, func(t *testing.T) {
			text := hp.body()
			ld := plog.NewLogs()
			lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
			lrs.AppendEmpty().Body().SetStr(text)
			lrs.AppendEmpty().Attributes().PutStr(config.DefaultPayloadBodyAttribute, text)
			before := plog.NewLogs()
			ld.CopyTo(before)
			out, err := p.processLogs(context.Background(), ld)
			require.NoError(t, err)
			require.Equal(t, 2, out.LogRecordCount(), "records lost")
			// Untouched: compare the records as a whole.
			for i := range 2 {
				a := before.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(i)
				b := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(i)
				assert.Equal(t, a.Body().AsRaw(), b.Body().AsRaw(), "body changed")
				assert.Equal(t, a.Attributes().AsRaw(), b.Attributes().AsRaw(), "attributes changed")
			}
			if hp.outcome != "" {
				want["outcome="+hp.outcome+",source=log_body"]++
				want["outcome="+hp.outcome+",source=string_attribute"]++
			}
			assert.Equal(t, want, counts(t, tel, metadata.MetricSourcesRead), "payload outcomes")
		})
	}
}

// BenchmarkHostilePayloads measures what each hostile payload costs one
// log record: the limits bound the work before it grows with the payload.
func BenchmarkHostilePayloads(b *testing.B) {
	p := startProcessor(b, config.Default(), componenttest.NewNopTelemetrySettings())
	ctx := context.Background()
	for _, hp := range hostilePayloads() {
		text := hp.body()
		ld := plog.NewLogs()
		ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr(text)
		b.Run(strings.ReplaceAll(hp.name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = p.processLogs(ctx, ld)
			}
			b.ReportMetric(float64(len(text)), "payload-bytes")
		})
	}
}

// FuzzPayload feeds arbitrary text as a log body and as a captured
// response body. Whatever the text, the record keeps its body and every
// attribute outside the prefix, and anything written comes from the
// catalog: a name the vendor's entry for the written code has.
func FuzzPayload(f *testing.F) {
	for _, s := range []string{
		`{"error":{"code":"ERR_UID_NOT_FOUND","message":"m"}}`,
		`{"ResponseStatus":{"ErrorCode":"NUMBER_NOT_FOUND","Errors":[{"FieldName":"To"}]}}`,
		`{"status":{"status_code":401,"error_code":2601}}`,
		`{"code":-3,"message":"Insufficient privileges"}`, `{"code":414,"desc":"x"}`,
		`{"msg":"x","body":"{\"error\":{\"code\":\"ERR_UID_NOT_FOUND\"}}"}`,
		`{"a":[{"error":{"code":"ERR_GUID_NOT_FOUND"}}]}`, `{"code":1e400}`, "{\"k\":\"\xff\"}",
	} {
		f.Add(s, "")
		f.Add(s, "speakap")
	}
	cfg := config.Default()
	p := startProcessor(f, cfg, componenttest.NewNopTelemetrySettings())
	ix := p.currentIndex()
	f.Fuzz(func(t *testing.T, text, vendor string) {
		ld := plog.NewLogs()
		lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
		for _, lr := range []plog.LogRecord{lrs.AppendEmpty(), lrs.AppendEmpty()} {
			lr.Attributes().PutStr("error.vendor", vendor)
			lr.Attributes().PutStr("k", "v")
		}
		lrs.At(0).Body().SetStr(text)
		lrs.At(1).Attributes().PutStr(config.DefaultPayloadBodyAttribute, text)
		out, err := p.processLogs(context.Background(), ld)
		if err != nil {
			t.Fatal(err)
		}
		for i, lr := range out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().All() {
			if i == 0 && lr.Body().Str() != text {
				t.Fatalf("body changed")
			}
			attrs := lr.Attributes()
			if v, _ := attrs.Get("k"); v.Str() != "v" {
				t.Fatalf("attribute outside the prefix changed")
			}
			code, ok := attrs.Get("error.catalog.code")
			if !ok {
				if n := countUnder(attrs, cfg.Output.Prefix); n != 0 {
					t.Fatalf("%d attributes written without a code", n)
				}
				continue
			}
			v, _ := attrs.Get("error.catalog.vendor")
			vendor, ok := ix.VendorByName(v.Str())
			if !ok {
				t.Fatalf("vendor %q is not a catalog vendor", v.Str())
			}
			found := false
			for _, e := range ix.All(mustCode(t, code.Str())) {
				if e.Vendor == vendor {
					name, _ := attrs.Get("error.catalog.name")
					found = name.Str() == e.Name
				}
			}
			if !found {
				t.Fatalf("written %v is no catalog entry", attrs.AsRaw())
			}
		}
	})
}

func countUnder(attrs pcommon.Map, prefix string) int {
	n := 0
	for k := range attrs.All() {
		if strings.HasPrefix(k, prefix) {
			n++
		}
	}
	return n
}

func mustCode(t *testing.T, s string) catalog.Code {
	t.Helper()
	c, ok := catalog.StringCode(s)
	if !ok {
		t.Fatalf("%q is not a code", s)
	}
	return c
}
