// Command demo plays a chat backend that calls five vendor APIs and records
// their failures the way instrumented services do: client spans with the
// vendor's error code, exception events, error logs and an error counter; and,
// where the service records no code at all, the vendor's error response
// itself (payloads): a log body holding the JSON response, a map body, the
// nested map a JSON log parser makes of a logged response, a span's
// http.response.body.content. It sends them over OTLP/gRPC with the
// OpenTelemetry Go SDK to a running otelcol-errorcatalog (`make run`) and
// exits, so the collector's debug output shows what errorcatalog added to each
// record.
//
//	go run ./cmd/demo -endpoint localhost:4317
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// call is one outbound vendor API call the demo records.
type call struct {
	span  string               // client span name
	attrs []attribute.KeyValue // what the instrumentation knows: code, vendor hint, host
	event bool                 // record the failure as an exception event too
	log   string               // also emit an error log with this body and the same attributes
	// Payloads: no code attribute, the vendor's error response instead.
	body     *attribute.Value     // the log's body instead of the text in log: a JSON string or a map
	logAttrs []attribute.KeyValue // attributes of the log only, such as a parsed response map
	response string               // the span's http.response.body.content
	expect   string               // what the collector should make of it
}

func bodyOf(v attribute.Value) *attribute.Value { return &v }

var calls = []call{
	{
		span:   "POST speakap /networks/{id}/groups",
		attrs:  []attribute.KeyValue{attribute.String("error.vendor", "speakap"), attribute.Int("error.code", -17)},
		expect: "speakap -17 Group Name In Use: conflict, with the documented HTTP status 409",
	},
	{
		span:   "GET speakap /me",
		attrs:  []attribute.KeyValue{attribute.Int("error.code", -2)},
		log:    "speakap rejected the access token",
		expect: "-2 exists only in Speakap's catalog: vendor inferred, authentication",
	},
	{
		span:   "POST zingle /services/{id}/messages",
		attrs:  []attribute.KeyValue{attribute.Int("zingle.error.code", 2601)},
		log:    "zingle authentication failed for the service account",
		expect: "zingle.error.code fixes the vendor: Zingle 2601 Authentication Failed",
	},
	{
		span:   "POST zingle /contacts",
		attrs:  []attribute.KeyValue{attribute.String("error.vendor", "Zingle"), attribute.String("error.code", " 2606 ")},
		expect: "a string code, trimmed: Zingle 2606, validation",
	},
	{
		span:   "GET cometchat /users/{uid}",
		attrs:  []attribute.KeyValue{attribute.String("server.address", "api-us.cometchat.io"), attribute.String("error.code", "ERR_UID_NOT_FOUND")},
		event:  true,
		expect: "vendor from the host api-us.cometchat.io: CometChat ERR_UID_NOT_FOUND, not_found (span and its exception event)",
	},
	{
		span:   "POST cometchat /groups/{guid}/members",
		attrs:  []attribute.KeyValue{attribute.String("url.full", "https://appid.api-eu.cometchat.io/v3/groups/g1/members"), attribute.String("error.code", "err_plan_quota_restriction")},
		log:    "cometchat refused to add the member: plan quota",
		expect: "host parsed from url.full, code matched case-insensitively: CometChat ERR_PLAN_QUOTA_RESTRICTION, quota",
	},
	{
		span:   "POST yunxin /nimserver/msg/sendMsg.action",
		attrs:  []attribute.KeyValue{attribute.String("error.vendor", "yunxin"), attribute.Int("error.code", 416)},
		log:    "netease im throttled the message send",
		expect: "alias yunxin names netease_im: 416 Frequency Control, rate_limit, retryable",
	},
	{
		span:   "POST yunxin /nimserver/team/add.action",
		attrs:  []attribute.KeyValue{attribute.String("error.vendor", "netease"), attribute.Int("error.code", 200)},
		expect: "NetEase 200 is a success: category success, class OK, severity info",
	},
	{
		span:   "POST yunxin /nimserver/chatroom/sendMsg.action",
		attrs:  []attribute.KeyValue{attribute.Int("error.code", 13004)},
		event:  true,
		expect: "13004 exists only in NetEase's catalog: vendor inferred, policy (muted account)",
	},
	{
		span:   "POST fonedynamics /v2/messages",
		attrs:  []attribute.KeyValue{attribute.String("error.vendor", "fonedynamics"), attribute.String("error.code", "INVALID_SMS_TEXT")},
		log:    "fone dynamics rejected the SMS text",
		expect: "Fone Dynamics INVALID_SMS_TEXT, validation",
	},
	{
		span:   "GET fonedynamics /v2/numbers/{number}",
		attrs:  []attribute.KeyValue{attribute.String("fonedynamics.error.code", "NUMBER_NOT_FOUND")},
		expect: "fonedynamics.error.code fixes the vendor: NUMBER_NOT_FOUND, not_found",
	},
	{
		span:   "POST acme-billing /charges",
		attrs:  []attribute.KeyValue{attribute.String("server.address", "billing.acme.example"), attribute.Int("error.code", 503)},
		log:    "billing gateway down",
		expect: "in-house catalog (testdata/otelcol/catalogs/acme.yaml) by host: Payment Gateway Down, unavailable",
	},
	{
		span:   "GET legacy-proxy /status",
		attrs:  []attribute.KeyValue{attribute.Int("error.code", 404)},
		expect: "ambiguous: 404 is in NetEase's and Acme's catalogs and nothing names the vendor: category unknown, no vendor",
	},
	{
		span:   "POST twilio /Messages.json",
		attrs:  []attribute.KeyValue{attribute.String("error.vendor", "twilio"), attribute.Int("error.code", 21211)},
		expect: "a vendor no catalog knows: category unknown, no vendor, no guessing from the code",
	},
	{
		span:   "POST zingle /services/{id}/contacts/{id}/labels",
		attrs:  []attribute.KeyValue{attribute.String("error.vendor", "zingle"), attribute.Int("error.code", 9999)},
		expect: "a code Zingle does not document: vendor zingle, category unknown",
	},
	{
		span:   "GET speakap /networks/{id}/timeline",
		attrs:  []attribute.KeyValue{attribute.String("error.vendor", "speakap")},
		expect: "a successful call without a code: left untouched",
	},
	// Payloads: the service logged or captured the vendor's response and no
	// code attribute; errorcatalog reads the code at the path the vendor's
	// catalog declares and writes on the record carrying the response.
	{
		span:   "GET cometchat /users/{uid}/friends",
		body:   bodyOf(attribute.StringValue(`{"error":{"code":"ERR_UID_NOT_FOUND","message":"The UID u42 does not exist.","devMessage":"","source":"ams-users"}}`)),
		expect: "CometChat's JSON error response as the log body: ERR_UID_NOT_FOUND User Not Found, not_found (on the log)",
	},
	{
		span:   "POST yunxin /nimserver/msg/sendBatchMsg.action",
		attrs:  []attribute.KeyValue{attribute.String("error.vendor", "yunxin")},
		body:   bodyOf(attribute.MapValue(attribute.Int("code", 416), attribute.String("desc", "frequency control"))),
		expect: "map body {code: 416, desc}, vendor from error.vendor: NetEase Frequency Control, rate_limit, retryable (on the log)",
	},
	{
		span: "POST zingle /services/{id}/contacts",
		log:  "zingle rejected the contact's phone number",
		logAttrs: []attribute.KeyValue{attribute.Map("response",
			attribute.Map("status", attribute.Int("status_code", 400), attribute.String("text", "Bad Request"),
				attribute.Int("error_code", 2606), attribute.String("description", "Invalid phone number")))},
		expect: "a JSON log parser's nested response map: Zingle status.error_code 2606, validation (on the log)",
	},
	{
		span:     "DELETE speakap /networks/{id}/groups/{id}",
		attrs:    []attribute.KeyValue{attribute.String("server.address", "api.speakap.com")},
		response: `{"code":-3,"message":"Insufficient privileges"}`,
		expect:   "span's http.response.body.content {code: -3}, vendor from the host: Speakap Insufficient Scope, HTTP 403",
	},
	{
		span:     "GET legacy-proxy /networks/{id}",
		response: `{"code":-3,"message":"Insufficient privileges"}`,
		expect:   "the same {code: -3} with nothing naming the vendor: Speakap's or NetEase's shape? nothing written",
	},
}

func main() {
	endpoint := flag.String("endpoint", "localhost:4317", "OTLP/gRPC endpoint of the collector")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	err := run(ctx, *endpoint)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, endpoint string) error {
	// Fail fast with advice rather than letting the exporters retry into the
	// timeout when nothing is listening.
	conn, err := (&net.Dialer{Timeout: 2 * time.Second}).DialContext(ctx, "tcp", endpoint)
	if err != nil {
		return fmt.Errorf("no collector at %s (start one with `make run` in another terminal): %w", endpoint, err)
	}
	_ = conn.Close()

	res := resource.NewSchemaless(
		attribute.String("service.name", "chat-backend"),
		attribute.String("service.version", "1.4.2"),
		attribute.String("deployment.environment.name", "demo"),
	)
	te, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(endpoint), otlptracegrpc.WithInsecure())
	if err != nil {
		return err
	}
	le, err := otlploggrpc.New(ctx, otlploggrpc.WithEndpoint(endpoint), otlploggrpc.WithInsecure())
	if err != nil {
		return err
	}
	me, err := otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithEndpoint(endpoint), otlpmetricgrpc.WithInsecure())
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(te), sdktrace.WithResource(res))
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewBatchProcessor(le)), sdklog.WithResource(res))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(me)), sdkmetric.WithResource(res))

	tracer := tp.Tracer("github.com/errorcatalog/errorcatalogprocessor/e2e/cmd/demo")
	logger := lp.Logger("github.com/errorcatalog/errorcatalogprocessor/e2e/cmd/demo")
	failures, err := mp.Meter("github.com/errorcatalog/errorcatalogprocessor/e2e/cmd/demo").
		Int64Counter("vendor.api.failures", metric.WithDescription("Failed vendor API calls by vendor error code"))
	if err != nil {
		return err
	}

	ctx, root := tracer.Start(ctx, "POST /api/conversations/{id}/messages", trace.WithSpanKind(trace.SpanKindServer))
	for i, c := range calls {
		_, span := tracer.Start(ctx, c.span, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(c.attrs...))
		span.SetAttributes(attribute.Int("demo.call", i+1))
		if c.response != "" {
			span.SetAttributes(attribute.String("http.response.body.content", c.response))
		}
		if hasCode(c.attrs) || c.isPayload() {
			err := errors.New(c.span + " failed")
			if c.event {
				span.RecordError(err, trace.WithAttributes(c.attrs...))
			}
			span.SetStatus(codes.Error, err.Error())
		}
		if hasCode(c.attrs) {
			// Response bodies never go on metrics: their values would be
			// a series each.
			failures.Add(ctx, 1, metric.WithAttributes(c.attrs...))
		}
		span.End()
		if c.hasLog() {
			var r otellog.Record
			r.SetTimestamp(time.Now())
			r.SetSeverity(otellog.SeverityWarn)
			r.SetSeverityText("WARN")
			if c.body != nil {
				r.SetBody(*c.body)
			} else {
				r.SetBody(attribute.StringValue(c.log))
			}
			r.AddAttributes(c.attrs...)
			r.AddAttributes(c.logAttrs...)
			r.AddAttributes(attribute.Int("demo.call", i+1))
			logger.Emit(ctx, r)
		}
		fmt.Printf("%2d. %-48s %s\n", i+1, c.span, c.expect)
	}
	root.End()

	// Shutdown flushes every batch before returning.
	if err := errors.Join(tp.Shutdown(ctx), lp.Shutdown(ctx), mp.Shutdown(ctx)); err != nil {
		return fmt.Errorf("sending to %s: %w", endpoint, err)
	}
	fmt.Printf("\nsent %d spans, their exception events, %d logs and the vendor.api.failures counter to %s;\n"+
		"the collector's debug output shows the error.catalog.* attributes on each (find them by demo.call).\n",
		len(calls)+1, countLogs(), endpoint)
	return nil
}

func hasCode(attrs []attribute.KeyValue) bool {
	for _, a := range attrs {
		if strings.HasSuffix(string(a.Key), "error.code") {
			return true
		}
	}
	return false
}

// isPayload reports whether the call carries a vendor error response.
func (c call) isPayload() bool {
	return c.body != nil || len(c.logAttrs) > 0 || c.response != ""
}

func (c call) hasLog() bool { return c.log != "" || c.body != nil }

func countLogs() int {
	n := 0
	for _, c := range calls {
		if c.hasLog() {
			n++
		}
	}
	return n
}
