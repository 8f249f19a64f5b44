package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/trace"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// Payloads: a record without a code attribute is enriched from the vendor
// error response it carries (a log body, a map-valued attribute, the
// http.response.body.content attribute) when a code sits at a path a vendor
// declares and is in that vendor's catalog; anything else writes nothing.

// payloadWant is the exact attribute set expected under the prefix: the
// values are spelled out, so a change of the catalogs' names, categories or
// classes that dashboards depend on fails here. nil means none.
type payloadWant map[string]any

// catalogEntry is what errorcatalog writes for one catalog entry.
func catalogEntry(vendor, code, name, category, class, severity string, retryable bool) payloadWant {
	return payloadWant{
		prefix + "vendor":    vendor,
		prefix + "code":      code,
		prefix + "name":      name,
		prefix + "category":  category,
		prefix + "class":     class,
		prefix + "severity":  severity,
		prefix + "retryable": retryable,
	}
}

// withHTTPStatus adds the status the vendor documents for the code.
func (w payloadWant) withHTTPStatus(status int64) payloadWant {
	w[prefix+"http_status"] = status
	return w
}

// The entries the payload cases expect, as the built-in catalogs have them.
var (
	wantZingle2601 = catalogEntry("zingle", "2601", "Authentication Failed", "authentication", "UNAUTHENTICATED", "error", false)
	wantZingle2606 = catalogEntry("zingle", "2606", "Invalid Phone Number Format", "validation", "INVALID_ARGUMENT", "warning", false)
	wantUIDMissing = catalogEntry("cometchat", "ERR_UID_NOT_FOUND", "User Not Found", "not_found", "NOT_FOUND", "warning", false)
	wantGUIDGone   = catalogEntry("cometchat", "ERR_GUID_NOT_FOUND", "Group Not Found", "not_found", "NOT_FOUND", "warning", false)
	wantPlanQuota  = catalogEntry("cometchat", "ERR_PLAN_QUOTA_RESTRICTION", "Plan Quota Reached", "quota", "RESOURCE_EXHAUSTED", "error", false)
	wantNumberGone = catalogEntry("fonedynamics", "NUMBER_NOT_FOUND", "Number Not Found", "not_found", "NOT_FOUND", "warning", false)
	wantBadSMS     = catalogEntry("fonedynamics", "INVALID_SMS_TEXT", "Invalid SMS Text", "validation", "INVALID_ARGUMENT", "warning", false)
	wantSpeakap3   = catalogEntry("speakap", "-3", "Insufficient Scope", "authorization", "PERMISSION_DENIED", "warning", false).withHTTPStatus(403)
	wantSpeakap17  = catalogEntry("speakap", "-17", "Group Name In Use", "conflict", "ALREADY_EXISTS", "warning", false).withHTTPStatus(409)
	wantNetease414 = catalogEntry("netease_im", "414", "Invalid Parameter", "validation", "INVALID_ARGUMENT", "warning", false)
	wantNetease416 = catalogEntry("netease_im", "416", "Frequency Control", "rate_limit", "RESOURCE_EXHAUSTED", "warning", true)
)

// TestPayloadCatalogPremises holds the spelled-out expectations above to the
// built-in catalogs, so that a failure of the tests below says whether the
// catalog or the processor changed; and pins the premise of the "needs a
// hint" cases: Speakap and NetEase both answer {"code": ...}.
func TestPayloadCatalogPremises(t *testing.T) {
	ix := builtinIndex(t)
	for _, tc := range []struct {
		vendor string
		code   catalog.Code
		want   payloadWant
	}{
		{"zingle", intCode(2601), wantZingle2601},
		{"zingle", intCode(2606), wantZingle2606},
		{"cometchat", strCode("ERR_UID_NOT_FOUND"), wantUIDMissing},
		{"cometchat", strCode("ERR_GUID_NOT_FOUND"), wantGUIDGone},
		{"cometchat", strCode("ERR_PLAN_QUOTA_RESTRICTION"), wantPlanQuota},
		{"fonedynamics", strCode("NUMBER_NOT_FOUND"), wantNumberGone},
		{"fonedynamics", strCode("INVALID_SMS_TEXT"), wantBadSMS},
		{"speakap", intCode(-3), wantSpeakap3},
		{"speakap", intCode(-17), wantSpeakap17},
		{"netease_im", intCode(414), wantNetease414},
		{"netease_im", intCode(416), wantNetease416},
	} {
		assert.Equal(t, map[string]any(tc.want), entry(tc.vendor, tc.code).attrs(t, ix), "%s %v", tc.vendor, tc.code)
	}
	z := vendorOf(t, ix, "zingle")
	_, ok := ix.Lookup(z, intCode(9999))
	assert.False(t, ok, "zingle 9999 must stay undocumented")
	var shared []string
	for _, rp := range ix.ResponsePathsEndingIn("code") {
		if len(rp.Keys) == 1 {
			for _, v := range rp.Vendors {
				shared = append(shared, v.ID)
			}
		}
	}
	sort.Strings(shared)
	assert.Equal(t, []string{"netease_im", "speakap"}, shared, "vendors answering {\"code\": ...}")
}

// fileCase is one line a Go service writes with log/slog's JSONHandler, and
// what the collector must make of it on each filelog pipeline.
type fileCase struct {
	msg   string // unique: the case's name and the record's msg
	level slog.Level
	attrs []slog.Attr
	want  payloadWant // on both pipelines, unless wantMsg is set
	// wantMsg, when set, is what the msg pipeline (body: attributes.msg)
	// expects instead of want.
	wantMsg *payloadWant
}

// raw is a vendor response body as the service received it, logged
// verbatim: slog marshals a json.RawMessage as the nested object.
func raw(s string) json.RawMessage { return json.RawMessage(s) }

var fileCases = []fileCase{
	{
		msg: "zingle call failed", level: slog.LevelError,
		attrs: []slog.Attr{
			slog.String("service_id", "svc-1"),
			slog.Any("response", raw(`{"status":{"status_code":401,"text":"Unauthorized","error_code":2601,"description":"Authentication failed"},"result":null}`)),
		},
		want: wantZingle2601,
	},
	{
		msg: "cometchat group lookup failed", level: slog.LevelError,
		attrs: []slog.Attr{
			slog.String("guid", "g1"),
			slog.Any("response", raw(`{"error":{"code":"ERR_GUID_NOT_FOUND","message":"The group with GUID g1 does not exist.","devMessage":"","source":"ams-groups"}}`)),
		},
		want: wantGUIDGone,
	},
	{
		msg: "fone dynamics rejected the SMS", level: slog.LevelWarn,
		attrs: []slog.Attr{
			slog.Any("response", raw(`{"ResponseStatus":{"ErrorCode":"INVALID_SMS_TEXT","Message":"The SMS text is invalid.","Errors":[{"FieldName":"Text","ErrorCode":"INVALID_SMS_TEXT"}]}}`)),
		},
		want: wantBadSMS,
	},
	{
		msg: "speakap call failed, host logged", level: slog.LevelError,
		attrs: []slog.Attr{
			slog.String("server.address", "api.speakap.com"),
			slog.Any("response", raw(`{"code":-3,"message":"Insufficient privileges"}`)),
		},
		want: wantSpeakap3,
	},
	{
		msg: "netease throttled, vendor logged", level: slog.LevelWarn,
		attrs: []slog.Attr{
			slog.String("error.vendor", "yunxin"),
			slog.Any("response", raw(`{"code":416,"desc":"frequency control"}`)),
		},
		want: wantNetease416,
	},
	{
		msg: "cometchat call failed, response in a slog group", level: slog.LevelError,
		attrs: []slog.Attr{
			slog.Group("upstream",
				slog.String("vendor_api", "users"),
				slog.Group("http", slog.Int("status", 404), slog.Any("response", raw(`{"error":{"code":"ERR_UID_NOT_FOUND","message":"The UID u1 does not exist."}}`)))),
		},
		want: wantUIDMissing,
	},
	{
		// The body logged as a string: in the raw line it is a JSON
		// object written into a string, read; once parsed it is a string
		// attribute under a key not configured, not read.
		msg: "cometchat quota, body logged as a string", level: slog.LevelError,
		attrs: []slog.Attr{
			slog.String("response_body", `{"error":{"code":"ERR_PLAN_QUOTA_RESTRICTION","message":"Plan quota reached"}}`),
		},
		want:    wantPlanQuota,
		wantMsg: &payloadWant{},
	},
	{
		msg: "speakap call failed, no host", level: slog.LevelError,
		attrs: []slog.Attr{slog.Any("response", raw(`{"code":-3,"message":"Insufficient privileges"}`))},
		want:  payloadWant{},
	},
	{
		msg: "zingle answered an undocumented code", level: slog.LevelError,
		attrs: []slog.Attr{slog.Any("response", raw(`{"status":{"status_code":500,"text":"Internal Server Error","error_code":9999,"description":"new"}}`))},
		want:  payloadWant{},
	},
	{
		msg: "cometchat answered a code no catalog has", level: slog.LevelError,
		attrs: []slog.Attr{slog.Any("response", raw(`{"error":{"code":"ERR_BRAND_NEW","message":"?"}}`))},
		want:  payloadWant{},
	},
	{
		msg: "order placed", level: slog.LevelInfo,
		attrs: []slog.Attr{slog.Group("order", slog.String("code", "SUMMER24"), slog.Int("items", 3))},
		want:  payloadWant{},
	},
	{
		msg: "message delivered", level: slog.LevelInfo,
		attrs: []slog.Attr{slog.String("conversation_id", "c1"), slog.Int("recipients", 3)},
		want:  payloadWant{},
	},
}

// writeSlogFile writes the cases as log/slog's JSONHandler does, one object
// per line, and returns each line (without its newline) by msg.
func writeSlogFile(t *testing.T, path string, cases []fileCase) map[string]string {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	logger := slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, c := range cases {
		logger.LogAttrs(context.Background(), c.level, c.msg, c.attrs...)
	}
	require.NoError(t, f.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		var m struct{ Msg string }
		require.NoError(t, json.Unmarshal([]byte(line), &m), "slog wrote %q", line)
		lines[m.Msg] = line
	}
	require.Len(t, lines, len(cases), "msgs must be unique")
	return lines
}

func TestFilelogPayloads(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "chat-backend.log")
	lines := writeSlogFile(t, logFile, fileCases)
	t.Logf("a line as the service wrote it:\n%s", lines[fileCases[0].msg])

	config, err := harness.Config("e2e-filelog.yaml")
	require.NoError(t, err)
	sink := harness.StartSink(t)
	c := harness.StartCollector(t, otelcolBinary, config, harness.NewEndpoints(t, sink.Addr), "E2E_LOG_FILE="+logFile)

	parses := []string{"line", "msg"}
	want := len(parses) * len(fileCases)
	harness.Eventually(t, arrival, func() bool { return sink.Counts().LogRecords >= int64(want) },
		func() string {
			return fmt.Sprintf("the sink received %d of %d log records", sink.Counts().LogRecords, want)
		})
	records := logsByParseAndMsg(t, sink.Logs())
	require.Len(t, records, want)

	for _, parse := range parses {
		for _, tc := range fileCases {
			t.Run(parse+"/"+tc.msg, func(t *testing.T) {
				lr, ok := records[parse+"/"+tc.msg]
				require.True(t, ok, "log record not exported")
				want := tc.want
				if parse == "msg" && tc.wantMsg != nil {
					want = *tc.wantMsg
				}
				got, other := split(lr.Attributes())
				assert.Equal(t, map[string]any(want), got, "attributes under %s", prefix)

				// Everything else arrives as json_parser made it.
				var parsed map[string]any
				require.NoError(t, json.Unmarshal([]byte(lines[tc.msg]), &parsed))
				parsed["log.file.name"] = filepath.Base(logFile)
				assert.Equal(t, parsed, other, "attributes outside %s must pass unchanged", prefix)
				switch parse {
				case "line":
					assert.Equal(t, lines[tc.msg], lr.Body().Str(), "the body keeps the raw line")
				case "msg":
					assert.Equal(t, tc.msg, lr.Body().Str(), "the body is attributes.msg")
				}
			})
		}
	}

	// Where the matches were read: the raw line body on logs/line, the
	// map-valued attribute on logs/msg. The counter is recorded before a
	// batch leaves the processor, so it is complete once the records are.
	// A payload without a match does not stop the search: on logs/line a
	// body that does not match is followed by the record's map attributes.
	m, err := scrapeMetrics(c.Endpoints.MetricsPort)
	require.NoError(t, err)
	const read = "otelcol_processor_errorcatalog_sources_read"
	payloads := func(source, outcome string) float64 {
		return m.sum(read, `source="`+source+`"`, `outcome="`+outcome+`"`)
	}
	var lineMatches, msgMatches, lineMisses, mapsMissed float64
	for _, tc := range fileCases {
		maps := 0.0 // map-valued attributes json_parser makes of the line
		for _, a := range tc.attrs {
			if a.Value.Kind() == slog.KindGroup || a.Value.Kind() == slog.KindAny {
				maps++
			}
		}
		if len(tc.want) > 0 {
			lineMatches++
		} else {
			lineMisses++
			mapsMissed += maps // on logs/line, after the body
		}
		if tc.wantMsg == nil && len(tc.want) > 0 {
			msgMatches++
		} else {
			mapsMissed += maps
		}
	}
	const ambiguous = 1 // speakap {"code":-3} without a host
	assert.Equal(t, lineMatches, payloads("log_body", "match"), "matches in raw line bodies (logs/line)")
	assert.Equal(t, msgMatches, payloads("map_attribute", "match"), "matches in map-valued attributes (logs/msg)")
	assert.Equal(t, lineMisses-ambiguous, payloads("log_body", "no_match"), "raw line bodies without a match")
	assert.Equal(t, float64(ambiguous), payloads("log_body", "ambiguous"))
	assert.Equal(t, mapsMissed-2*ambiguous, payloads("map_attribute", "no_match"), "map attributes without a match, both pipelines")
	assert.Equal(t, float64(2*ambiguous), payloads("map_attribute", "ambiguous"), "the speakap response on both pipelines")
	assert.Zero(t, m.sum(read, `source="string_attribute"`), "no configured string attribute in these lines")
	if t.Failed() {
		for _, line := range m {
			if strings.HasPrefix(line, read) {
				t.Log(line)
			}
		}
	}
}

// logsByParseAndMsg indexes log records by their pipeline's e2e.parse
// resource attribute and their msg attribute; a record seen twice fails.
func logsByParseAndMsg(t *testing.T, all []plog.Logs) map[string]plog.LogRecord {
	t.Helper()
	m := map[string]plog.LogRecord{}
	for _, ld := range all {
		for _, rl := range ld.ResourceLogs().All() {
			parse, ok := rl.Resource().Attributes().Get("e2e.parse")
			require.True(t, ok, "resource without e2e.parse")
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					msg, ok := lr.Attributes().Get("msg")
					require.True(t, ok, "log record without msg: %s", lr.Body().AsString())
					key := parse.Str() + "/" + msg.Str()
					_, dup := m[key]
					require.False(t, dup, "log record %q exported twice", key)
					m[key] = lr
				}
			}
		}
	}
	return m
}

// sdkLogCase is one log record an instrumented service emits through the
// OpenTelemetry logs API.
type sdkLogCase struct {
	name  string
	body  attribute.Value
	attrs []attribute.KeyValue
	want  payloadWant
}

// nest wraps a JSON object in levels objects {"a1":{"a2":...}}.
func nest(levels int, inner string) string {
	var b strings.Builder
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, `{"a%d":`, i)
	}
	b.WriteString(inner)
	b.WriteString(strings.Repeat("}", levels))
	return b.String()
}

const zingleAuthFailed = `{"status":{"status_code":401,"text":"Unauthorized","error_code":2601,"description":"Authentication failed"}}`

var sdkLogCases = []sdkLogCase{
	{
		name: "JSON string body",
		body: attribute.StringValue(`{"error":{"code":"ERR_UID_NOT_FOUND","message":"The UID u1 does not exist.","devMessage":"","source":"ams-users"}}`),
		want: wantUIDMissing,
	},
	{
		name: "JSON string body after white space",
		body: attribute.StringValue("\n\t {\"ResponseStatus\":{\"ErrorCode\":\"NUMBER_NOT_FOUND\",\"Message\":\"A matching phone number could not be found.\"}}\n"),
		want: wantNumberGone,
	},
	{
		name: "response written into a string inside the body",
		body: attribute.StringValue(`{"upstream":"zingle","response":` + mustQuote(zingleAuthFailed) + `}`),
		want: wantZingle2601,
	},
	{
		name: "response at depth 8",
		body: attribute.StringValue(nest(6, zingleAuthFailed)),
		want: wantZingle2601,
	},
	{
		name: "response at depth 9, past max_depth",
		body: attribute.StringValue(nest(7, zingleAuthFailed)),
		want: payloadWant{},
	},
	{
		name: "map body, vendor from error.vendor",
		body: attribute.MapValue(attribute.Int("code", 416), attribute.String("desc", "frequency control")),
		attrs: []attribute.KeyValue{
			str("error.vendor", "netease"),
		},
		want: wantNetease416,
	},
	{
		name: "map attribute",
		body: attribute.StringValue("zingle rejected the phone number"),
		attrs: []attribute.KeyValue{
			attribute.Map("response", attribute.Map("status",
				attribute.Int("status_code", 400), attribute.Int("error_code", 2606), attribute.String("description", "Invalid phone number"))),
		},
		want: wantZingle2606,
	},
	{
		name: "http.response.body.content, vendor from server.address",
		body: attribute.StringValue("speakap call failed"),
		attrs: []attribute.KeyValue{
			str("server.address", "api.speakap.com"),
			str("http.response.body.content", `{"code":-3,"message":"Insufficient privileges"}`),
		},
		want: wantSpeakap3,
	},
	{
		name: "a code attribute wins over the payload",
		body: attribute.StringValue(zingleAuthFailed),
		attrs: []attribute.KeyValue{
			str("error.vendor", "zingle"), i64("error.code", 2606),
		},
		want: wantZingle2606,
	},
	{
		name: "numeric code at a shared path, no hint",
		body: attribute.StringValue(`{"code":-3,"message":"Insufficient privileges"}`),
		want: payloadWant{},
	},
	{
		name: "code no catalog has",
		body: attribute.StringValue(`{"error":{"code":"ERR_BRAND_NEW","message":"?"}}`),
		want: payloadWant{},
	},
	{
		name:  "hint names another vendor",
		body:  attribute.StringValue(`{"error":{"code":"ERR_UID_NOT_FOUND","message":"The UID u1 does not exist."}}`),
		attrs: []attribute.KeyValue{str("error.vendor", "zingle")},
		want:  payloadWant{},
	},
	{
		name: "not JSON after the brace",
		body: attribute.StringValue(`{status: error_code=2601}`),
		want: payloadWant{},
	},
	{
		name:  "response under a string attribute not configured",
		body:  attribute.StringValue("zingle call failed"),
		attrs: []attribute.KeyValue{str("vendor.response", zingleAuthFailed)},
		want:  payloadWant{},
	},
}

// rawAttrs is what attributes sent through the SDK look like once decoded
// from OTLP (pcommon's AsRaw), maps and slices included.
func rawAttrs(kvs []attribute.KeyValue) map[string]any {
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = rawValue(kv.Value)
	}
	return m
}

func rawValue(v attribute.Value) any {
	switch v.Type() {
	case attribute.MAP:
		return rawAttrs(v.AsMap())
	case attribute.SLICE:
		s := make([]any, 0, len(v.AsSlice()))
		for _, e := range v.AsSlice() {
			s = append(s, rawValue(e))
		}
		return s
	}
	return v.AsInterface()
}

func mustQuote(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestPayloadLogs(t *testing.T) {
	p := startPipeline(t, "e2e.yaml")
	sdk := p.newSDK(t, harness.Logs)
	logger := sdk.LoggerProvider.Logger("e2e")
	// Each Emit exports synchronously; bound them all, retries included.
	ctx, cancel := context.WithTimeout(context.Background(), arrival)
	defer cancel()
	for _, tc := range sdkLogCases {
		var r otellog.Record
		r.SetTimestamp(time.Now())
		r.SetSeverity(otellog.SeverityError)
		r.SetBody(tc.body)
		r.AddAttributes(str("e2e.case", tc.name))
		r.AddAttributes(tc.attrs...)
		logger.Emit(ctx, r)
	}
	require.NoError(t, ctx.Err(), "emitting the log records")
	flush(t, sdk)

	harness.Eventually(t, arrival, func() bool { return p.sink.Counts().LogRecords >= int64(len(sdkLogCases)) },
		func() string {
			return fmt.Sprintf("the sink received %d of %d log records", p.sink.Counts().LogRecords, len(sdkLogCases))
		})
	records := logsByCase(t, p.sink.Logs())
	require.Len(t, records, len(sdkLogCases))
	for _, tc := range sdkLogCases {
		t.Run(tc.name, func(t *testing.T) {
			lr, ok := records[tc.name]
			require.True(t, ok, "log record not exported")
			got, other := split(lr.Attributes())
			assert.Equal(t, map[string]any(tc.want), got, "attributes under %s", prefix)
			assert.Equal(t, rawAttrs(append([]attribute.KeyValue{str("e2e.case", tc.name)}, tc.attrs...)), other,
				"attributes outside %s must pass unchanged", prefix)
			assert.Equal(t, rawValue(tc.body), lr.Body().AsRaw(), "the body passes unchanged")
		})
	}
}

func logsByCase(t *testing.T, all []plog.Logs) map[string]plog.LogRecord {
	t.Helper()
	m := map[string]plog.LogRecord{}
	for _, ld := range all {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					c, ok := lr.Attributes().Get("e2e.case")
					require.True(t, ok, "log record without e2e.case: %s", lr.Body().AsString())
					_, dup := m[c.Str()]
					require.False(t, dup, "log record %q exported twice", c.Str())
					m[c.Str()] = lr
				}
			}
		}
	}
	return m
}

// spanCase is one client span carrying the response body it got, as HTTP
// client instrumentation that captures bodies records it.
type spanCase struct {
	name  string
	attrs []attribute.KeyValue
	want  payloadWant
}

func responseBody(s string) attribute.KeyValue { return str("http.response.body.content", s) }

var spanCases = []spanCase{
	{"symbolic code, no hint needed", []attribute.KeyValue{
		str("http.request.method", "GET"), i64("http.response.status_code", 404),
		responseBody(`{"error":{"code":"ERR_UID_NOT_FOUND","message":"The UID u1 does not exist."}}`),
	}, wantUIDMissing},
	{"fone dynamics", []attribute.KeyValue{
		responseBody(`{"ResponseStatus":{"ErrorCode":"NUMBER_NOT_FOUND","Message":"A matching phone number could not be found."}}`),
	}, wantNumberGone},
	{"speakap, vendor from server.address", []attribute.KeyValue{
		str("server.address", "api.speakap.com"), i64("http.response.status_code", 403),
		responseBody(`{"code":-3,"message":"Insufficient privileges"}`),
	}, wantSpeakap3},
	{"speakap, vendor from url.full", []attribute.KeyValue{
		str("url.full", "https://api.speakap.com/networks/n1/groups/"), i64("http.response.status_code", 409),
		responseBody(`{"code":-17,"message":"The group name is already in use"}`),
	}, wantSpeakap17},
	{"netease, vendor from error.vendor", []attribute.KeyValue{
		str("error.vendor", "yunxin"),
		responseBody(`{"code":414,"desc":"parameter error"}`),
	}, wantNetease414},
	{"netease 414 without a hint", []attribute.KeyValue{
		responseBody(`{"code":414,"desc":"parameter error"}`),
	}, payloadWant{}},
	{"zingle, undocumented code", []attribute.KeyValue{
		responseBody(`{"status":{"status_code":500,"error_code":9999,"description":"new"}}`),
	}, payloadWant{}},
	{"successful response", []attribute.KeyValue{
		str("server.address", "api.zingle.me"), i64("http.response.status_code", 200),
		responseBody(`{"status":{"status_code":200,"text":"OK"},"result":{"id":"c1"}}`),
	}, payloadWant{}},
}

func TestPayloadSpans(t *testing.T) {
	p := startPipeline(t, "e2e.yaml")
	sdk := p.newSDK(t, harness.Traces)
	tracer := sdk.TracerProvider.Tracer("e2e")
	for _, tc := range spanCases {
		_, span := tracer.Start(context.Background(), tc.name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(tc.attrs...))
		span.End()
	}
	// The resource names the vendor of every span of the service: a
	// Speakap {"code": -3} needs nothing more.
	res := p.newSDK(t, harness.Traces, str("error.vendor", "speakap"))
	_, span := res.TracerProvider.Tracer("e2e").Start(context.Background(), "speakap, vendor from the resource",
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(responseBody(`{"code":-3,"message":"Insufficient privileges"}`)))
	span.End()
	flush(t, sdk)
	flush(t, res)

	want := len(spanCases) + 1
	harness.Eventually(t, arrival, func() bool { return p.sink.Counts().Spans >= int64(want) },
		func() string { return fmt.Sprintf("the sink received %d of %d spans", p.sink.Counts().Spans, want) })
	spans := spansByName(t, p.sink.Traces())
	require.Len(t, spans, want)
	for _, tc := range spanCases {
		t.Run(tc.name, func(t *testing.T) {
			sp, ok := spans[tc.name]
			require.True(t, ok, "span not exported")
			got, other := split(sp.Attributes())
			assert.Equal(t, map[string]any(tc.want), got, "attributes under %s", prefix)
			assert.Equal(t, sentOther(tc.attrs), other, "attributes outside %s must pass unchanged", prefix)
		})
	}
	t.Run("speakap, vendor from the resource", func(t *testing.T) {
		got, _ := split(spans["speakap, vendor from the resource"].Attributes())
		assert.Equal(t, map[string]any(wantSpeakap3), got)
	})
}
