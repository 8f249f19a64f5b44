package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// A service calls CometChat's REST API through an http.Client instrumented
// with otelhttp, as in production, and records the failures it parses from
// the responses on spans with span.RecordError, as instrumented services do.
// otelhttp does not capture response bodies, so the collector sees only what
// the instrumentation and the service wrote: server.address, url.full,
// http.response.status_code and error.type on the client spans, exception
// events on the spans the service recorded errors on. The service never
// sets error.code.
//
// The vendor is a fake CometChat server on loopback, reached under the
// vendor's real host name through the client's dialer (never DNS or
// /etc/hosts), so otelhttp records server.address api-us.cometchat.io
// exactly as it does against the real API.
//
// Each call is run against two collectors: e2e.yaml (errorcatalog's
// defaults, http_status_fallback off) and e2e-fallback.yaml (the fallback
// on). A code in the exception text is found on both; the HTTP status of a
// client span is classified only with the fallback, and never writes a code.

// cometChatHost is the vendor's host as the service addresses it: CometChat
// REST API hosts match the catalog's host pattern *.cometchat.io.
const cometChatHost = "api-us.cometchat.io"

// The entries and status classes the calls expect, spelled out as the
// built-in catalog and the standard status table have them (premises in
// TestHTTPClientCatalogPremises). wantUIDMissing is in payload_test.go.
var (
	wantTooManyRequests = catalogEntry("cometchat", "ERR_TOO_MANY_REQUESTS", "Too Many Requests", "rate_limit", "RESOURCE_EXHAUSTED", "warning", true)

	wantStatus404 = statusClass("cometchat", 404, "Not Found", "not_found", "NOT_FOUND", "warning", false)
	wantStatus429 = statusClass("cometchat", 429, "Too Many Requests", "rate_limit", "RESOURCE_EXHAUSTED", "warning", true)
	wantStatus503 = statusClass("cometchat", 503, "Service Unavailable", "unavailable", "UNAVAILABLE", "error", true)
)

// statusClass is what the HTTP status fallback writes for a call to vendor
// that failed with status: the status's class, never a code.
func statusClass(vendor string, status int64, name, category, class, severity string, retryable bool) payloadWant {
	return payloadWant{
		prefix + "vendor":      vendor,
		prefix + "name":        name,
		prefix + "category":    category,
		prefix + "class":       class,
		prefix + "severity":    severity,
		prefix + "retryable":   retryable,
		prefix + "http_status": status,
	}
}

// TestHTTPClientCatalogPremises holds the spelled-out expectations to the
// built-in catalogs and the standard table, and pins what the calls rely
// on: the host resolves to CometChat, whose catalog documents no HTTP
// statuses of its own (so the standard table applies), and the symbolic
// codes in exception text without a hint are each in one catalog only.
func TestHTTPClientCatalogPremises(t *testing.T) {
	ix := builtinIndex(t)
	assert.Equal(t, map[string]any(wantUIDMissing), entry("cometchat", strCode("ERR_UID_NOT_FOUND")).attrs(t, ix))
	assert.Equal(t, map[string]any(wantTooManyRequests), entry("cometchat", strCode("ERR_TOO_MANY_REQUESTS")).attrs(t, ix))
	for _, c := range []string{"ERR_UID_NOT_FOUND", "ERR_TOO_MANY_REQUESTS"} {
		_, n := ix.Infer(strCode(c))
		assert.Equal(t, 1, n, "%s must be in exactly one built-in catalog", c)
	}

	v, ok := ix.VendorByHost(cometChatHost)
	require.True(t, ok, "%s must match a catalog host pattern", cometChatHost)
	require.Equal(t, "cometchat", v.ID)
	assert.Empty(t, v.HTTPStatuses, "cometchat documents no HTTP statuses: the standard table applies")
	for _, tc := range []struct {
		status int
		want   payloadWant
	}{{404, wantStatus404}, {429, wantStatus429}, {503, wantStatus503}} {
		e := catalog.StatusEntry(v, tc.status)
		require.NotNil(t, e, "status %d", tc.status)
		got := enriched(e)
		delete(got, prefix+"code") // the fallback never writes one
		got[prefix+"vendor"] = v.ID
		assert.Equal(t, map[string]any(tc.want), got, "status %d", tc.status)
	}
}

// chatCall is one call the service makes, and what the sink must receive
// for its two spans: the service's cometchat.GetUser span and, under it,
// otelhttp's client span.
type chatCall struct {
	name   string // e2e.case on the service's span
	uid    string // the user asked for; the fake server answers by it
	status int    // the status the fake server answers with
	// middleware: the call goes through the client whose vendor-error
	// middleware (under otelhttp) also records the failure on the client
	// span.
	middleware bool
	// errMessage is the error the service gets, "" for none.
	errMessage string
	// parentEvent and clientEvent are the attributes under the prefix on
	// the exception event of each span, the same with and without the
	// fallback; nil means the span has no event.
	parentEvent, clientEvent payloadWant
	// fallback is what the client span carries under the prefix with the
	// fallback on; without it, the client span carries nothing.
	fallback payloadWant
}

const (
	msgUIDMissing = "The UID nobody does not exist, please make sure you have created a user with UID nobody."
	msgThrottled  = "Too many requests. Please retry after some time."
)

var chatCalls = []chatCall{
	{
		name: "user found", uid: "superhero1", status: http.StatusOK,
		fallback: payloadWant{},
	},
	{
		name: "user not found", uid: "nobody", status: http.StatusNotFound,
		errMessage:  "cometchat: ERR_UID_NOT_FOUND: " + msgUIDMissing,
		parentEvent: wantUIDMissing,
		// The client span's own record holds no code: its event-less
		// attributes are classified from the status.
		fallback: wantStatus404,
	},
	{
		name: "rate limited", uid: "flood", status: http.StatusTooManyRequests,
		errMessage:  "cometchat: ERR_TOO_MANY_REQUESTS: " + msgThrottled,
		parentEvent: wantTooManyRequests,
		fallback:    wantStatus429,
	},
	{
		name: "service unavailable, no body", uid: "outage", status: http.StatusServiceUnavailable,
		errMessage:  "cometchat: HTTP 503 Service Unavailable",
		parentEvent: payloadWant{}, // no code in "HTTP 503 Service Unavailable"
		fallback:    wantStatus503,
	},
	{
		name: "user not found, recorded on the client span too", uid: "nobody", status: http.StatusNotFound, middleware: true,
		errMessage:  "cometchat: ERR_UID_NOT_FOUND: " + msgUIDMissing,
		parentEvent: wantUIDMissing,
		clientEvent: wantUIDMissing,
		// The code on the client span's own exception event is a code
		// found for the call: the fallback leaves the span alone.
		fallback: payloadWant{},
	},
}

func TestHTTPClientOtelhttp(t *testing.T) {
	for _, run := range []struct {
		name     string
		config   string
		fallback bool
	}{
		{"fallback off", "e2e.yaml", false},
		{"fallback on", "e2e-fallback.yaml", true},
	} {
		t.Run(run.name, func(t *testing.T) { testHTTPClient(t, run.config, run.fallback) })
	}
}

func testHTTPClient(t *testing.T, config string, fallback bool) {
	p := startPipeline(t, config)
	sdk := p.newSDK(t, harness.Traces)
	vendor := startFakeCometChat(t)
	plain := newChatService(t, sdk.TracerProvider, vendor, false)
	withMiddleware := newChatService(t, sdk.TracerProvider, vendor, true)

	// Every call, and the synchronous export of its spans, within one bound.
	ctx, cancel := context.WithTimeout(context.Background(), arrival)
	defer cancel()
	for _, c := range chatCalls {
		svc := plain
		if c.middleware {
			svc = withMiddleware
		}
		err := svc.getUser(ctx, c.name, c.uid)
		if c.errMessage == "" {
			require.NoError(t, err, c.name)
			continue
		}
		var ce *cometChatError
		require.ErrorAs(t, err, &ce, c.name)
		require.Equal(t, c.status, ce.Status, c.name)
		require.EqualError(t, err, c.errMessage, c.name)
	}
	require.NoError(t, ctx.Err(), "making the calls")
	flush(t, sdk)

	want := 2 * len(chatCalls)
	harness.Eventually(t, arrival, func() bool { return p.sink.Counts().Spans >= int64(want) },
		func() string { return fmt.Sprintf("the sink received %d of %d spans", p.sink.Counts().Spans, want) })
	calls := spansByCall(t, p.sink.Traces())
	require.Len(t, calls, len(chatCalls))
	require.Equal(t, int64(want), p.sink.Counts().Spans, "spans at the sink")

	for _, c := range chatCalls {
		t.Run(c.name, func(t *testing.T) {
			got, ok := calls[c.name]
			require.True(t, ok, "service span not exported")
			t.Run("service span", func(t *testing.T) { checkServiceSpan(t, c, got.parent) })
			t.Run("client span", func(t *testing.T) { checkClientSpan(t, c, got, vendor, fallback) })
		})
	}

	// Where the collector read what it found: the exception text for every
	// code, error.type (otelhttp's "404") never, and the status only with
	// the fallback. The counter is recorded before a batch leaves the
	// processor, so it is complete once the spans are.
	m, err := scrapeMetrics(p.collector.Endpoints.MetricsPort)
	require.NoError(t, err)
	const read = "otelcol_processor_errorcatalog_sources_read"
	reads := func(source, outcome string) float64 {
		return m.sum(read, `source="`+source+`"`, `outcome="`+outcome+`"`)
	}
	var failed, textMatches, textMisses float64
	for _, c := range chatCalls {
		if c.status >= 400 {
			failed++
		}
		for _, ev := range []payloadWant{c.parentEvent, c.clientEvent} {
			switch {
			case ev == nil:
			case len(ev) == 0:
				textMisses++
			default:
				textMatches++
			}
		}
	}
	assert.Equal(t, textMatches, reads("exception_text", "match"), "codes read from exception text")
	assert.Equal(t, textMisses, reads("exception_text", "no_match"), "exception text without a code")
	// otelhttp puts the status in error.type ("404"): an HTTP status, not
	// a place a code may be, so it is not read at all.
	assert.Zero(t, reads("error_type", "match"), "error.type holds otelhttp's status")
	assert.Zero(t, reads("error_type", "no_match"), "an HTTP status in error.type is not counted as a read")
	assert.Zero(t, m.sum(read, `source="string_attribute"`), "otelhttp records no response body")
	if fallback {
		// Every failed client span but the one whose event carries the code.
		assert.Equal(t, failed-1, reads("http_status", "match"), "failed client spans classified from the status")
		assert.Zero(t, reads("http_status", "no_match"))
	} else {
		assert.Zero(t, m.sum(read, `source="http_status"`), "the status is not read without the fallback")
	}
	if t.Failed() {
		for _, line := range m {
			if strings.HasPrefix(line, read) {
				t.Log(line)
			}
		}
	}
}

func checkServiceSpan(t *testing.T, c chatCall, sp ptrace.Span) {
	assert.Equal(t, "cometchat.GetUser", sp.Name())
	assert.Equal(t, ptrace.SpanKindInternal, sp.Kind())
	assert.True(t, sp.ParentSpanID().IsEmpty(), "the service span is the root")
	got, other := split(sp.Attributes())
	assert.Empty(t, got, "the service span's own attributes hold no code, and no status")
	assert.Equal(t, map[string]any{"e2e.case": c.name, "cometchat.uid": c.uid}, other)
	if c.parentEvent == nil {
		assert.Equal(t, ptrace.StatusCodeUnset, sp.Status().Code())
		assert.Zero(t, sp.Events().Len(), "no exception recorded")
		return
	}
	assert.Equal(t, ptrace.StatusCodeError, sp.Status().Code())
	assert.Equal(t, c.errMessage, sp.Status().Message(), "the status the service set passes unchanged")
	checkExceptionEvent(t, c, sp, c.parentEvent)
}

func checkClientSpan(t *testing.T, c chatCall, got callSpans, vendor *fakeCometChat, fallback bool) {
	sp := got.client
	assert.Equal(t, "HTTP GET", sp.Name(), "otelhttp's default span name")
	assert.Equal(t, ptrace.SpanKindClient, sp.Kind())
	assert.Equal(t, got.parent.TraceID(), sp.TraceID())
	// The span is the one the request carried to the vendor.
	assert.Contains(t, vendor.traceparents(), "00-"+sp.TraceID().String()+"-"+sp.SpanID().String()+"-01",
		"traceparent the fake server received")

	// What otelhttp v0.72.0 records on a client span (semconv v1.43.0):
	// the port because it is not the scheme's default, the protocol's
	// version but not its name ("http"), error.type the status for a
	// status >= 400; no body, no user agent, no network.peer.*.
	wantOther := map[string]any{
		"http.request.method":       "GET",
		"url.full":                  vendor.url + "/v3/users/" + c.uid,
		"server.address":            cometChatHost,
		"server.port":               int64(vendor.port),
		"network.protocol.version":  "1.1",
		"http.response.status_code": int64(c.status),
	}
	if c.status >= 400 {
		wantOther["error.type"] = strconv.Itoa(c.status)
	}
	attrs, other := split(sp.Attributes())
	assert.Equal(t, wantOther, other, "otelhttp's attributes pass unchanged")
	if fallback {
		assert.Equal(t, map[string]any(c.fallback), attrs, "attributes under %s, fallback on", prefix)
		assert.NotContains(t, attrs, prefix+"code", "the fallback never writes a code")
	} else {
		assert.Empty(t, attrs, "attributes under %s, fallback off", prefix)
	}
	if c.status >= 400 {
		assert.Equal(t, ptrace.StatusCodeError, sp.Status().Code(), "otelhttp marks a client span Error for status >= 400")
	} else {
		assert.Equal(t, ptrace.StatusCodeUnset, sp.Status().Code())
	}
	if c.clientEvent == nil {
		assert.Zero(t, sp.Events().Len(), "no exception recorded on the client span")
		return
	}
	checkExceptionEvent(t, c, sp, c.clientEvent)
}

// checkExceptionEvent checks the one event of sp: span.RecordError's
// exception event for the call's error, with want under the prefix.
func checkExceptionEvent(t *testing.T, c chatCall, sp ptrace.Span, want payloadWant) {
	require.Equal(t, 1, sp.Events().Len(), "one exception event")
	ev := sp.Events().At(0)
	assert.Equal(t, "exception", ev.Name())
	got, other := split(ev.Attributes())
	assert.Equal(t, map[string]any(want), got, "attributes under %s on the exception event", prefix)
	assert.Equal(t, map[string]any{
		"exception.type":    "*e2e.cometChatError",
		"exception.message": c.errMessage,
	}, other, "the exception event's attributes pass unchanged")
}

// callSpans are the two spans of one call.
type callSpans struct {
	parent, client ptrace.Span
}

// spansByCall pairs every service span (by e2e.case) with its one child;
// any other span, or a span seen twice, fails the test.
func spansByCall(t *testing.T, all []ptrace.Traces) map[string]callSpans {
	t.Helper()
	parents := map[string]ptrace.Span{}
	children := map[pcommon.SpanID][]ptrace.Span{}
	for _, td := range all {
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, sp := range ss.Spans().All() {
					if sp.ParentSpanID().IsEmpty() {
						c, ok := sp.Attributes().Get("e2e.case")
						require.True(t, ok, "root span %q without e2e.case", sp.Name())
						_, dup := parents[c.Str()]
						require.False(t, dup, "service span %q exported twice", c.Str())
						parents[c.Str()] = sp
						continue
					}
					id := sp.ParentSpanID()
					children[id] = append(children[id], sp)
				}
			}
		}
	}
	m := map[string]callSpans{}
	for name, p := range parents {
		kids := children[p.SpanID()]
		require.Len(t, kids, 1, "children of the service span %q", name)
		delete(children, p.SpanID())
		m[name] = callSpans{parent: p, client: kids[0]}
	}
	require.Empty(t, children, "spans whose parent is no service span")
	return m
}

// The service under test: a CometChat client as an instrumented Go service
// writes one.

// cometChatError is a failed CometChat call: the error object of the
// response, when it had one.
type cometChatError struct {
	Status  int
	Code    string
	Message string
}

func (e *cometChatError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("cometchat: HTTP %d %s", e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("cometchat: %s: %s", e.Code, e.Message)
}

// parseCometChatError reads CometChat's error response,
// {"error": {"code", "message", ...}}; any other body leaves the code empty.
func parseCometChatError(status int, body []byte) *cometChatError {
	var r struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &r)
	return &cometChatError{Status: status, Code: r.Error.Code, Message: r.Error.Message}
}

// maxBody bounds what the service reads of a response.
const maxBody = 1 << 20

type chatService struct {
	tracer  trace.Tracer
	client  *http.Client
	baseURL string
}

// newChatService returns the service's CometChat client: otelhttp's
// transport over a transport whose dialer maps the vendor's host:port to the
// fake server, so the client addresses the real host name and no other
// address is reachable. With middleware, a vendor-error middleware under
// otelhttp also records each failure on otelhttp's client span.
func newChatService(t *testing.T, tp trace.TracerProvider, vendor *fakeCometChat, middleware bool) *chatService {
	t.Helper()
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	vendorAddr := net.JoinHostPort(cometChatHost, strconv.Itoa(vendor.port))
	base := &http.Transport{
		Proxy: nil, // never a proxy from the environment
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr != vendorAddr {
				return nil, fmt.Errorf("dial %s %s: only %s is reachable in this test", network, addr, vendorAddr)
			}
			return dialer.DialContext(ctx, network, vendor.addr)
		},
		ResponseHeaderTimeout: 10 * time.Second,
	}
	t.Cleanup(base.CloseIdleConnections)
	var rt http.RoundTripper = base
	if middleware {
		rt = vendorErrors{next: rt}
	}
	return &chatService{
		tracer: tp.Tracer("e2e/chat-backend"),
		client: &http.Client{
			Transport: otelhttp.NewTransport(rt,
				otelhttp.WithTracerProvider(tp),
				otelhttp.WithPropagators(propagation.TraceContext{})),
			Timeout: 10 * time.Second,
		},
		baseURL: vendor.url,
	}
}

// getUser fetches a user, under a span of the service's own; a failure is
// recorded on that span.
func (s *chatService) getUser(ctx context.Context, caseName, uid string) (err error) {
	ctx, span := s.tracer.Start(ctx, "cometchat.GetUser",
		trace.WithAttributes(str("e2e.case", caseName), str("cometchat.uid", uid)))
	defer func() {
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.baseURL+"/v3/users/"+uid, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("appid", "e2e-app")
	req.Header.Set("apikey", "e2e-key")
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	// Reading to the end and closing ends otelhttp's span.
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		return parseCometChatError(resp.StatusCode, body)
	}
	var user struct {
		Data struct {
			UID string `json:"uid"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &user); err != nil {
		return fmt.Errorf("cometchat: decoding the user: %w", err)
	}
	if user.Data.UID != uid {
		return fmt.Errorf("cometchat: asked for %q, got %q", uid, user.Data.UID)
	}
	return nil
}

// vendorErrors is middleware under otelhttp: it parses a failed response
// and records the failure on the span of the request (otelhttp's client
// span), leaving the body for the caller.
type vendorErrors struct{ next http.RoundTripper }

func (m vendorErrors) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := m.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	trace.SpanFromContext(req.Context()).RecordError(parseCometChatError(resp.StatusCode, body))
	return resp, nil
}

// fakeCometChat answers GET /v3/users/{uid} on loopback with CometChat's
// documented responses, chosen by uid.
type fakeCometChat struct {
	addr string // where it listens, 127.0.0.1:port
	port int
	url  string // the base URL under the vendor's host name

	mu      sync.Mutex
	parents []string // traceparent headers received
}

func startFakeCometChat(t *testing.T) *fakeCometChat {
	t.Helper()
	f := &fakeCometChat{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v3/users/{uid}", f.user)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.addr = srv.Listener.Addr().String()
	f.port = srv.Listener.Addr().(*net.TCPAddr).Port
	f.url = "http://" + net.JoinHostPort(cometChatHost, strconv.Itoa(f.port))
	return f
}

func (f *fakeCometChat) traceparents() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.parents...)
}

func (f *fakeCometChat) user(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.parents = append(f.parents, r.Header.Get("traceparent"))
	f.mu.Unlock()
	if want := net.JoinHostPort(cometChatHost, strconv.Itoa(f.port)); r.Host != want {
		http.Error(w, fmt.Sprintf("Host %q, want %q", r.Host, want), http.StatusMisdirectedRequest)
		return
	}
	writeJSON := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	cometError := func(status int, code, message string) {
		writeJSON(status, map[string]any{"error": map[string]any{
			"code": code, "message": message, "devMessage": "", "source": "ams-users",
		}})
	}
	switch uid := r.PathValue("uid"); uid {
	case "superhero1":
		writeJSON(http.StatusOK, map[string]any{"data": map[string]any{
			"uid": uid, "name": "Iron Man", "status": "offline", "role": "default", "createdAt": 1700000000,
		}})
	case "flood":
		w.Header().Set("Retry-After", "30")
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		cometError(http.StatusTooManyRequests, "ERR_TOO_MANY_REQUESTS", msgThrottled)
	case "outage":
		w.WriteHeader(http.StatusServiceUnavailable) // from the load balancer: no body
	default:
		cometError(http.StatusNotFound, "ERR_UID_NOT_FOUND",
			fmt.Sprintf("The UID %s does not exist, please make sure you have created a user with UID %s.", uid, uid))
	}
}
