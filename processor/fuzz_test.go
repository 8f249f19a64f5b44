package processor

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// The fuzz targets of the processor. Seeds are added below and kept in
// testdata/fuzz/<target>; run one with, for example,
//
//	go test -run '^$' -fuzz '^FuzzProcess$' -fuzztime 10m ./processor/
//
// The catalog's own targets (FuzzParse, FuzzStringCode, FuzzHostOf) are in
// the catalog package.

// fuzzCatalogFile adds a vendor whose code 2601 is also a Zingle code, so
// inference can be ambiguous and hints matter.
const fuzzCatalogFile = "../testdata/catalogs/acme.yaml"

// startFuzzProcessor starts a processor for the fuzz targets. Fuzz workers
// are separate processes; one processor serves every input of a worker.
func startFuzzProcessor(f *testing.F, cfg *config.Config) *catalogProcessor {
	f.Helper()
	if err := cfg.Validate(); err != nil {
		f.Fatal(err)
	}
	return startProcessor(f, cfg, componenttest.NewNopTelemetrySettings())
}

func fuzzDefaultConfig() *config.Config {
	cfg := config.Default()
	cfg.Catalogs.Files = []string{fuzzCatalogFile}
	return cfg
}

// isCodeValue is the README's definition of a code value ("How the code
// and the vendor are resolved"), written out independently of the
// processor: an int; a double that is finite,
// integral and within int64; a string that is not empty once trimmed.
func isCodeValue(v pcommon.Value) bool {
	switch v.Type() {
	case pcommon.ValueTypeInt:
		return true
	case pcommon.ValueTypeDouble:
		d := v.Double()
		return !math.IsNaN(d) && !math.IsInf(d, 0) && d == math.Trunc(d) && d >= -(1<<63) && d < 1<<63
	case pcommon.ValueTypeStr:
		return strings.TrimSpace(v.Str()) != ""
	}
	return false
}

// FuzzCodeOf turns any attribute value into a code: it never panics, a
// value is a code exactly when the README says so, the code is the value's
// (an int's number, a string's trimmed text), and the processor enriches a
// record holding it with the entry inference finds, or leaves the record
// untouched when the value is not a code.
func FuzzCodeOf(f *testing.F) {
	for _, s := range []struct {
		kind uint8
		i    int64
		d    float64
		s    string
	}{
		{0, 2601, 0, ""}, {0, math.MinInt64, 0, ""}, {0, math.MaxInt64, 0, ""}, {0, 99001, 0, ""},
		{1, 0, 2601, ""}, {1, 0, math.NaN(), ""}, {1, 0, math.Inf(-1), ""}, {1, 0, -(1 << 63), ""}, {1, 0, 1 << 63, ""},
		{1, 0, 0.5, ""}, {1, 0, math.Copysign(0, -1), ""}, {1, 0, -5, ""},
		{2, 0, 0, "2601"}, {2, 0, 0, " err_uid_not_found "}, {2, 0, 0, "+200"}, {2, 0, 0, "\u00a0-5\u00a0"}, {2, 0, 0, "ERR_\xff"},
		{2, 0, 0, "9223372036854775808"}, {2, 0, 0, " "}, {2, 0, 0, "RECORD_NOT_FOUND"},
		{3, 1, 0, ""}, {4, 0, 0, "2601"}, {5, 2601, 0, ""}, {6, 0, 0, "2601"}, {7, 0, 0, ""},
	} {
		f.Add(s.kind, s.i, s.d, s.s)
	}
	p := startFuzzProcessor(f, fuzzDefaultConfig())
	ix := p.currentIndex()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, kind uint8, i int64, d float64, s string) {
		ld := plog.NewLogs()
		attrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes()
		attrs.PutStr("http.route", s)
		v := attrs.PutEmpty("error.code")
		switch kind % 8 {
		case 0:
			v.SetInt(i)
		case 1:
			v.SetDouble(d)
		case 2:
			v.SetStr(s)
		case 3:
			v.SetBool(i&1 == 1)
		case 4:
			v.SetEmptyBytes().FromRaw([]byte(s))
		case 5:
			v.SetEmptyMap().PutInt("code", i)
		case 6:
			v.SetEmptySlice().AppendEmpty().SetStr(s)
		}

		c, ok := codeOf(v)
		if ok != isCodeValue(v) {
			t.Fatalf("codeOf(%s) ok = %v", exact(v), ok)
		}
		if ok == c.IsZero() {
			t.Fatalf("codeOf(%s) = %+v, %v", exact(v), c, ok)
		}
		n, isInt := c.Int()
		switch v.Type() {
		case pcommon.ValueTypeInt:
			if !isInt || n != i || c.String() != strconv.FormatInt(i, 10) {
				t.Fatalf("codeOf(int %d) = %d, %v, %q", i, n, isInt, c.String())
			}
		case pcommon.ValueTypeDouble:
			if ok && (!isInt || float64(n) != d) {
				t.Fatalf("codeOf(double %v) = %d, %v", d, n, isInt)
			}
		case pcommon.ValueTypeStr:
			want, wantOK := catalog.StringCode(s)
			if ok != wantOK || c != want {
				t.Fatalf("codeOf(%q) = %+v, %v; StringCode gives %+v, %v", s, c, ok, want, wantOK)
			}
		}
		if ok {
			// Normalizing the code's own spelling gives the same code.
			again, ok2 := catalog.StringCode(c.String())
			n2, isInt2 := again.Int()
			if !ok2 || isInt2 != isInt || n2 != n {
				t.Fatalf("code %q normalizes to %+v", c.String(), again)
			}
		}

		before := flat(attrs)
		out, err := p.processLogs(ctx, ld)
		if err != nil {
			t.Fatal(err)
		}
		got := logAttrs(out)[0]
		if !ok {
			if !equalKV(before, flat(got)) {
				t.Fatalf("record without a code value changed: %v -> %v", before, flat(got))
			}
			return
		}
		want := unknownOf("")
		if e, n := ix.Infer(c); n == 1 {
			want = entryAttrs(config.DefaultPrefix, e, false)
		}
		checkWritten(t, before, got, config.DefaultPrefix, want)
	})
}

func equalKV(a, b []kv) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkWritten is checkRecord for fuzz targets: no testify, so a failure
// costs nothing on the passing path.
func checkWritten(t *testing.T, before []kv, after pcommon.Map, prefix string, want map[string]any) {
	t.Helper()
	got := flat(after)
	_, outBefore := split(before, prefix)
	under, outAfter := split(got, prefix)
	if !equalKV(outBefore, outAfter) {
		t.Fatalf("attributes outside the prefix changed:\n%v\n%v", outBefore, outAfter)
	}
	if len(under) != len(want) {
		t.Fatalf("wrote %v, want %v", under, want)
	}
	for _, e := range under {
		v, _ := after.Get(e.key)
		w, ok := want[e.key]
		if !ok || v.AsRaw() != w {
			t.Fatalf("wrote %v, want %v", under, want)
		}
	}
}

// FuzzVendorResolution resolves codes with any vendor name and any host or
// URL, placed on the record, its span or its resource, against a reading
// of the README's order written out in refResolve: the bound vendor, the
// vendor attribute (an unknown name stops inference), a host matching a
// pattern, inference from the code alone.
func FuzzVendorResolution(f *testing.F) {
	for _, s := range []struct {
		code, vendor, host string
		sel                uint16
	}{
		{"2601", "", "", 0},
		{"2601", "acme-pay", "", 1 << 2},
		{"2601", "ACME", "", 3 << 2},
		{"2601", "twilio", "pay.acme.test", 1<<2 | 1<<7},
		{"2601", "", "https://u@pay.acme.test:8443/x", 1<<5 | 3<<7},
		{"2601", "", "api.zingle.me", 2<<7 | 1<<9},
		{"2601", "zingle", "pay.acme.test", 2<<2 | 1<<7 | 1<<9},
		{"-5", " Speakap ", "", 1 << 2},
		{"ERR_UID_NOT_FOUND", "", "[::1]:443", 3<<5 | 1<<7},
		{"200", "\u00a0", "", 1 << 2},
		{"200", "yunxin", "", 1<<2 | 1<<4},
		{"99001", "", "evil.example/?h=pay.acme.test", 2<<5 | 1<<7},
		{"2601", "", "", 2},
		{"2601", "speakap", "", 3 | 1<<2},
		{"13004", "", "", 1 << 10},
		{"2601", "", "", 1 << 11},
	} {
		f.Add(s.code, s.vendor, s.host, s.sel)
	}
	withInfer := startFuzzProcessor(f, fuzzDefaultConfig())
	noInferCfg := fuzzDefaultConfig()
	noInferCfg.InferVendor = false
	noInfer := startFuzzProcessor(f, noInferCfg)
	ix := withInfer.currentIndex()
	hostKeys := config.DefaultHostAttributes()
	codeKeys := []string{"error.code", "error.code", "zingle.error.code", "acme.error.code"}
	ctx := context.Background()

	f.Fuzz(func(t *testing.T, code, vendor, host string, sel uint16) {
		const (
			levelRecord = iota + 1
			levelSpan
			levelResource
		)
		codeKey := codeKeys[sel&3]
		vendorLevel := int(sel>>2) & 3
		vendorIsString := sel&(1<<4) == 0
		hostKey := hostKeys[int(sel>>5)&3]
		hostLevel := int(sel>>7) & 3
		event := sel&(1<<9) != 0
		codeAsInt := sel&(1<<10) != 0
		infer := sel&(1<<11) == 0
		if !event {
			// A log record has no span: span-level hints go nowhere.
			if vendorLevel == levelSpan {
				vendorLevel = 0
			}
			if hostLevel == levelSpan {
				hostLevel = 0
			}
		}
		p := withInfer
		if !infer {
			p = noInfer
		}

		maps := [4]pcommon.Map{}
		var rec pcommon.Map
		var ld plog.Logs
		var td ptrace.Traces
		if event {
			td = ptrace.NewTraces()
			rs := td.ResourceSpans().AppendEmpty()
			span := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
			rec = span.Events().AppendEmpty().Attributes()
			maps[levelSpan] = span.Attributes()
			maps[levelResource] = rs.Resource().Attributes()
		} else {
			ld = plog.NewLogs()
			rl := ld.ResourceLogs().AppendEmpty()
			rec = rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes()
			maps[levelResource] = rl.Resource().Attributes()
		}
		maps[levelRecord] = rec
		if n, err := strconv.ParseInt(code, 10, 64); codeAsInt && err == nil {
			rec.PutInt(codeKey, n)
		} else {
			rec.PutStr(codeKey, code)
		}
		if vendorLevel != 0 {
			if vendorIsString {
				maps[vendorLevel].PutStr("error.vendor", vendor)
			} else {
				maps[vendorLevel].PutInt("error.vendor", int64(len(vendor)))
			}
		}
		if hostLevel != 0 {
			maps[hostLevel].PutStr(hostKey, host)
		}

		v, _ := rec.Get(codeKey)
		c, ok := codeOf(v)
		before := flat(rec)
		if event {
			out, err := p.processTraces(ctx, td)
			if err != nil {
				t.Fatal(err)
			}
			rec = out.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Events().At(0).Attributes()
		} else {
			out, err := p.processLogs(ctx, ld)
			if err != nil {
				t.Fatal(err)
			}
			rec = logAttrs(out)[0]
		}
		if !ok {
			if !equalKV(before, flat(rec)) {
				t.Fatalf("record without a code value changed")
			}
			return
		}

		var bound *catalog.Vendor
		if id, isBound := strings.CutSuffix(codeKey, config.VendorCodeAttributeSuffix); isBound && codeKey != config.DefaultCodeAttribute {
			bound, _ = ix.VendorByName(id)
		}
		var names, hosts [4]*string
		if vendorLevel != 0 && vendorIsString {
			names[vendorLevel] = &vendor
		}
		if hostLevel != 0 {
			hosts[hostLevel] = &host
		}
		want := refResolve(ix, c, bound, names, hosts, infer)
		checkWritten(t, before, rec, config.DefaultPrefix, want)
	})
}

// refResolve is the README's vendor resolution, plainly: names and hosts
// hold the vendor attribute and the host attribute on the record (1), the
// span (2) and the resource (3), nil where absent.
func refResolve(ix *catalog.Index, c catalog.Code, bound *catalog.Vendor, names, hosts [4]*string, infer bool) map[string]any {
	vendor := bound
	if vendor == nil {
		for level := 1; level <= 3 && vendor == nil; level++ {
			// An empty or blank name names nothing.
			if s := names[level]; s != nil && strings.TrimSpace(*s) != "" {
				v, ok := ix.VendorByName(*s)
				if !ok {
					return unknownOf("") // a vendor the catalog lacks
				}
				vendor = v
			}
		}
		for level := 1; level <= 3 && vendor == nil; level++ {
			if s := hosts[level]; s != nil {
				vendor, _ = ix.VendorByHost(*s)
			}
		}
	}
	if vendor != nil {
		if e, ok := ix.Lookup(vendor, c); ok {
			return entryAttrs(config.DefaultPrefix, e, false)
		}
		return unknownOf(vendor.ID)
	}
	if infer {
		if e, n := ix.Infer(c); n == 1 {
			return entryAttrs(config.DefaultPrefix, e, false)
		}
	}
	return unknownOf("")
}

// fuzzReader derives a structure from fuzz bytes; past their end it reads
// zeros, so every input builds something.
type fuzzReader struct{ b []byte }

func (r *fuzzReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *fuzzReader) intn(n int) int { return int(r.byte()) % n }

func (r *fuzzReader) u64() uint64 {
	var buf [8]byte
	n := copy(buf[:], r.b)
	r.b = r.b[n:]
	return binary.LittleEndian.Uint64(buf[:])
}

func (r *fuzzReader) str() string {
	n := min(r.intn(48), len(r.b))
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// Attribute keys of fuzzed records: the configured code, vendor and host
// keys of both fuzzed configurations, names under both prefixes, and
// others.
var fuzzKeys = []string{
	"error.code", "zingle.error.code", "speakap.error.code", "cometchat.error.code", "acme.error.code", "x.code",
	"error.vendor", "vendor.name", "server.address", "url.full", "http.url", "peer.service",
	"error.catalog.category", "error.catalog.vendor", "error.catalog.code", "error.catalog.name",
	"error.catalog.description", "error.catalog.http_status", "error.catalog.other",
	"ec.category", "ec.code", "ec.name", "http.route", "",
}

var (
	fuzzStrings = []string{
		"2601", "-5", "200", "13004", "99001", "404", "ERR_UID_NOT_FOUND", " err_uid_not_found ", "RECORD_NOT_FOUND",
		"zingle", "acme-pay", "Yunxin", "speakap", "twilio", "api.speakap.com", "https://x.cometchat.io/v3",
		"pay.acme.test:443", "", " ", "\u00a0", "NaN",
	}
	fuzzInts    = []int64{2601, -5, 200, 13004, 99001, 0, math.MinInt64, math.MaxInt64}
	fuzzDoubles = []float64{2601, -5, 0.5, math.NaN(), math.Inf(1), math.Copysign(0, -1), 1e300}
)

// value sets v to a value of any type, nested at most depth levels.
func (r *fuzzReader) value(v pcommon.Value, depth int) {
	switch r.intn(8) {
	case 0: // empty
	case 1:
		if b := r.byte(); b < 128 {
			v.SetStr(fuzzStrings[int(b)%len(fuzzStrings)])
		} else {
			v.SetStr(r.str())
		}
	case 2:
		if b := r.byte(); b < 128 {
			v.SetInt(fuzzInts[int(b)%len(fuzzInts)])
		} else {
			v.SetInt(int64(r.u64()))
		}
	case 3:
		if b := r.byte(); b < 128 {
			v.SetDouble(fuzzDoubles[int(b)%len(fuzzDoubles)])
		} else {
			v.SetDouble(math.Float64frombits(r.u64()))
		}
	case 4:
		v.SetBool(r.byte()&1 == 1)
	case 5:
		v.SetEmptyBytes().FromRaw([]byte(r.str()))
	case 6:
		m := v.SetEmptyMap()
		if depth > 0 {
			for range r.intn(3) {
				r.value(m.PutEmpty(r.key()), depth-1)
			}
		}
	case 7:
		s := v.SetEmptySlice()
		if depth > 0 {
			for range r.intn(3) {
				r.value(s.AppendEmpty(), depth-1)
			}
		}
	}
}

func (r *fuzzReader) key() string {
	i := r.intn(len(fuzzKeys) + 1)
	if i == len(fuzzKeys) {
		return r.str()
	}
	return fuzzKeys[i]
}

// fuzzBatch builds a batch's attribute maps. Keys may repeat, as in a map
// decoded from the wire: a repeat is put under a unique placeholder of the
// key's length, renamed in the batch's protobuf encoding (see rename).
type fuzzBatch struct {
	r        *fuzzReader
	renames  [][2][]byte
	nextName uint16
}

func (b *fuzzBatch) attrs(m pcommon.Map) {
	for range b.r.intn(7) {
		k := b.r.key()
		if _, exists := m.Get(k); exists && len(k) >= 3 && b.r.byte()&1 == 1 {
			ph := make([]byte, len(k))
			ph[0] = 0xfe
			binary.LittleEndian.PutUint16(ph[1:], b.nextName)
			for i := 3; i < len(ph); i++ {
				ph[i] = 0xfe
			}
			b.nextName++
			b.renames = append(b.renames, [2][]byte{ph, []byte(k)})
			k = string(ph)
		}
		b.r.value(m.PutEmpty(k), 2)
	}
}

// rename replaces the placeholders in a batch's protobuf encoding; equal
// lengths keep the encoding valid.
func (b *fuzzBatch) rename(data []byte) []byte {
	for _, rn := range b.renames {
		data = bytes.ReplaceAll(data, rn[0], rn[1])
	}
	return data
}

// fuzzRecord is one record of a batch: its attributes and, for spans and
// log records, the record itself for the status and severity checks.
type fuzzRecord struct {
	attrs  pcommon.Map
	span   ptrace.Span
	isSpan bool
	log    plog.LogRecord
	isLog  bool
}

func traceRecords(td ptrace.Traces) []fuzzRecord {
	var out []fuzzRecord
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, sp := range ss.Spans().All() {
				out = append(out, fuzzRecord{attrs: sp.Attributes(), span: sp, isSpan: true})
				for _, ev := range sp.Events().All() {
					out = append(out, fuzzRecord{attrs: ev.Attributes()})
				}
			}
		}
	}
	return out
}

func logRecords(ld plog.Logs) []fuzzRecord {
	var out []fuzzRecord
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				out = append(out, fuzzRecord{attrs: lr.Attributes(), log: lr, isLog: true})
			}
		}
	}
	return out
}

func metricRecords(md pmetric.Metrics) []fuzzRecord {
	var out []fuzzRecord
	for _, rm := range md.ResourceMetrics().All() {
		for _, sm := range rm.ScopeMetrics().All() {
			for _, m := range sm.Metrics().All() {
				eachDataPoint(m, func(attrs pcommon.Map) { out = append(out, fuzzRecord{attrs: attrs}) })
			}
		}
	}
	return out
}

func eachDataPoint(m pmetric.Metric, fn func(pcommon.Map)) {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		for _, dp := range m.Gauge().DataPoints().All() {
			fn(dp.Attributes())
		}
	case pmetric.MetricTypeSum:
		for _, dp := range m.Sum().DataPoints().All() {
			fn(dp.Attributes())
		}
	case pmetric.MetricTypeHistogram:
		for _, dp := range m.Histogram().DataPoints().All() {
			fn(dp.Attributes())
		}
	case pmetric.MetricTypeExponentialHistogram:
		for _, dp := range m.ExponentialHistogram().DataPoints().All() {
			fn(dp.Attributes())
		}
	case pmetric.MetricTypeSummary:
		for _, dp := range m.Summary().DataPoints().All() {
			fn(dp.Attributes())
		}
	}
}

// fuzzTarget is one fuzzed processor configuration and what the checks
// need to know of it.
type fuzzTarget struct {
	p        *catalogProcessor
	cfg      *config.Config
	ix       *catalog.Index
	codeKeys []config.CodeAttribute
	allowed  map[string]map[any]bool
	vendors  map[string]*catalog.Vendor
}

func newFuzzTarget(f *testing.F, cfg *config.Config) *fuzzTarget {
	p := startFuzzProcessor(f, cfg)
	ix := p.currentIndex()
	ft := &fuzzTarget{
		p: p, cfg: cfg, ix: ix,
		codeKeys: cfg.EffectiveCodeAttributes(ix.Vendors()),
		allowed:  catalogValues(cfg.Output.Prefix, ix),
		vendors:  map[string]*catalog.Vendor{},
	}
	for _, v := range ix.Vendors() {
		ft.vendors[v.ID] = v
	}
	return ft
}

// firstCode returns the record's code value as the README defines it: the
// first code attribute, in the configured order, whose first occurrence
// holds a code value.
func (ft *fuzzTarget) firstCode(m pcommon.Map) (pcommon.Value, bool) {
	first := map[string]pcommon.Value{}
	for k, v := range m.All() {
		if _, seen := first[k]; !seen {
			first[k] = v
		}
	}
	for _, a := range ft.codeKeys {
		if v, ok := first[a.Key]; ok && isCodeValue(v) {
			return v, true
		}
	}
	return pcommon.Value{}, false
}

var severities = map[string]catalog.Severity{
	"info": catalog.SeverityInfo, "warning": catalog.SeverityWarning, "error": catalog.SeverityError, "critical": catalog.SeverityCritical,
}

// checkRecord checks one record of a processed batch against its state
// before. Where it checks an opted-in change of span status or log
// severity, it undoes it, for the whole-batch comparison that follows.
func (ft *fuzzTarget) checkRecord(t *testing.T, i int, before, after fuzzRecord) {
	prefix := ft.cfg.Output.Prefix
	was, got := flat(before.attrs), flat(after.attrs)
	code, hasCode := ft.firstCode(before.attrs)
	if !hasCode {
		if !equalKV(was, got) {
			t.Fatalf("record %d holds no code value but changed:\n%v\n%v", i, was, got)
		}
		return
	}
	_, outBefore := split(was, prefix)
	under, outAfter := split(got, prefix)
	if !equalKV(outBefore, outAfter) {
		t.Fatalf("record %d: attributes outside the prefix changed:\n%v\n%v", i, outBefore, outAfter)
	}
	written := map[string]any{}
	for _, e := range under {
		if _, dup := written[e.key]; dup {
			t.Fatalf("record %d: %s written twice: %v", i, e.key, under)
		}
		v, _ := after.attrs.Get(e.key)
		raw := v.AsRaw()
		if !ft.allowed[e.key][raw] {
			t.Fatalf("record %d: %s = %#v is not a catalog value", i, e.key, raw)
		}
		written[e.key] = raw
	}
	c, ok := codeOf(code)
	if !ok {
		t.Fatalf("record %d: code value %s is no code", i, exact(code))
	}
	var want map[string]any
	vendorID, _ := written[prefix+"vendor"].(string)
	if written[prefix+"code"] != nil {
		// Found: the entry of the written vendor for the record's code.
		e, ok := ft.ix.Lookup(ft.vendors[vendorID], c)
		if !ok {
			t.Fatalf("record %d: code %s is not vendor %q's: %v", i, exact(code), vendorID, written)
		}
		want = entryAttrs(prefix, e, ft.cfg.Output.Description)
	} else {
		want = map[string]any{prefix + "category": "unknown", prefix + "class": "UNKNOWN"}
		if vendorID != "" {
			if _, ok := ft.ix.Lookup(ft.vendors[vendorID], c); ok {
				t.Fatalf("record %d: vendor %s documents %s, but it was not written", i, vendorID, exact(code))
			}
			want[prefix+"vendor"] = vendorID
		}
	}
	if len(want) != len(written) {
		t.Fatalf("record %d: wrote %v, want %v", i, written, want)
	}
	for k, v := range want {
		if written[k] != v {
			t.Fatalf("record %d: wrote %v, want %v", i, written, want)
		}
	}

	name, _ := written[prefix+"name"].(string)
	severity, _ := written[prefix+"severity"].(string)
	category, _ := written[prefix+"category"].(string)
	if before.isSpan {
		sb, sa := before.span.Status(), after.span.Status()
		marks := ft.cfg.SpanStatus && sb.Code() == ptrace.StatusCodeUnset && name != "" &&
			(severity == "error" || severity == "critical") && category != "success"
		if marks {
			if sa.Code() != ptrace.StatusCodeError || sa.Message() != name {
				t.Fatalf("span %d: status %v %q, want Error %q", i, sa.Code(), sa.Message(), name)
			}
			sb.CopyTo(sa) // checked; the batch comparison covers the rest
		}
	}
	if before.isLog && ft.cfg.LogSeverity && name != "" {
		lb, la := before.log, after.log
		if sev := severities[severity]; lb.SeverityNumber() < plog.SeverityNumber(sev.Number()) {
			if la.SeverityNumber() != plog.SeverityNumber(sev.Number()) || la.SeverityText() != sev.Text() {
				t.Fatalf("log %d: severity %v %q, want %s raised", i, la.SeverityNumber(), la.SeverityText(), severity)
			}
			la.SetSeverityNumber(lb.SeverityNumber())
			la.SetSeverityText(lb.SeverityText())
		}
	}
}

// stripPrefix removes every attribute under prefix from the records, so
// what is left of two batches can be compared whole.
func stripPrefix(records []fuzzRecord, prefix string) {
	for _, r := range records {
		r.attrs.RemoveIf(func(k string, _ pcommon.Value) bool { return strings.HasPrefix(k, prefix) })
	}
}

// FuzzProcess runs the processor over traces, logs and metrics built from
// the fuzz bytes: any structure, attribute keys from a small set that
// includes the configured ones, values of every type, keys repeated as on
// the wire, and four configurations. Whatever arrives: no panic, no
// error; the batch keeps every resource, scope and record; a record
// without a code value is untouched; on a record with one, the attributes
// outside the prefix are unchanged byte for byte, and under the prefix are
// exactly the resolved entry's, each once, every value from the catalog;
// nothing else in the batch changes (but the opted-in span status and log
// severity, checked against the entry).
func FuzzProcess(f *testing.F) {
	for _, seed := range fuzzProcessSeeds() {
		f.Add(seed)
	}
	custom := config.Default()
	custom.CodeAttributes = []config.CodeAttribute{{Key: "x.code", Vendor: "acme"}, {Key: "error.code"}, {Key: "zingle.error.code", Vendor: "zingle"}}
	custom.VendorAttributes = []string{"vendor.name", "error.vendor"}
	custom.HostAttributes = []string{"url.full"}
	custom.InferVendor = false
	custom.Catalogs.Files = []string{fuzzCatalogFile}
	custom.Output = config.OutputConfig{Prefix: "ec.", Description: true}
	custom.SpanStatus = true
	custom.LogSeverity = true
	options := config.Default()
	options.Output.Description = true
	options.SpanStatus = true
	options.LogSeverity = true
	targets := []*fuzzTarget{
		newFuzzTarget(f, fuzzDefaultConfig()),
		newFuzzTarget(f, custom),
		newFuzzTarget(f, options),
		newFuzzTarget(f, config.Default()),
	}
	ctx := context.Background()

	f.Fuzz(func(t *testing.T, data []byte) {
		r := &fuzzReader{b: data}
		head := r.byte()
		ft := targets[int(head>>2)%len(targets)]
		b := &fuzzBatch{r: r}
		switch head % 3 {
		case 0:
			td := buildTraces(b)
			if len(b.renames) > 0 {
				enc, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
				if err != nil {
					t.Fatal(err)
				}
				if td, err = (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(b.rename(enc)); err != nil {
					t.Fatal(err)
				}
			}
			before := ptrace.NewTraces()
			td.CopyTo(before)
			out, err := ft.p.processTraces(ctx, td)
			if err != nil {
				t.Fatal(err)
			}
			if out.SpanCount() != before.SpanCount() {
				t.Fatalf("%d spans in, %d out", before.SpanCount(), out.SpanCount())
			}
			rb, ra := traceRecords(before), traceRecords(out)
			ft.checkRecords(t, rb, ra)
			encB, _ := (&ptrace.ProtoMarshaler{}).MarshalTraces(before)
			encA, _ := (&ptrace.ProtoMarshaler{}).MarshalTraces(out)
			ft.checkSame(t, encB, encA)
		case 1:
			ld := buildLogs(b)
			if len(b.renames) > 0 {
				enc, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
				if err != nil {
					t.Fatal(err)
				}
				if ld, err = (&plog.ProtoUnmarshaler{}).UnmarshalLogs(b.rename(enc)); err != nil {
					t.Fatal(err)
				}
			}
			before := plog.NewLogs()
			ld.CopyTo(before)
			out, err := ft.p.processLogs(ctx, ld)
			if err != nil {
				t.Fatal(err)
			}
			if out.LogRecordCount() != before.LogRecordCount() {
				t.Fatalf("%d log records in, %d out", before.LogRecordCount(), out.LogRecordCount())
			}
			rb, ra := logRecords(before), logRecords(out)
			ft.checkRecords(t, rb, ra)
			encB, _ := (&plog.ProtoMarshaler{}).MarshalLogs(before)
			encA, _ := (&plog.ProtoMarshaler{}).MarshalLogs(out)
			ft.checkSame(t, encB, encA)
		default:
			md := buildMetrics(b)
			if len(b.renames) > 0 {
				enc, err := (&pmetric.ProtoMarshaler{}).MarshalMetrics(md)
				if err != nil {
					t.Fatal(err)
				}
				if md, err = (&pmetric.ProtoUnmarshaler{}).UnmarshalMetrics(b.rename(enc)); err != nil {
					t.Fatal(err)
				}
			}
			before := pmetric.NewMetrics()
			md.CopyTo(before)
			out, err := ft.p.processMetrics(ctx, md)
			if err != nil {
				t.Fatal(err)
			}
			if out.DataPointCount() != before.DataPointCount() || out.MetricCount() != before.MetricCount() {
				t.Fatalf("%d/%d metrics/points in, %d/%d out", before.MetricCount(), before.DataPointCount(), out.MetricCount(), out.DataPointCount())
			}
			rb, ra := metricRecords(before), metricRecords(out)
			ft.checkRecords(t, rb, ra)
			encB, _ := (&pmetric.ProtoMarshaler{}).MarshalMetrics(before)
			encA, _ := (&pmetric.ProtoMarshaler{}).MarshalMetrics(out)
			ft.checkSame(t, encB, encA)
		}
	})
}

// checkRecords checks every record, then strips the prefix from both
// batches so checkSame can compare the rest.
func (ft *fuzzTarget) checkRecords(t *testing.T, before, after []fuzzRecord) {
	t.Helper()
	if len(before) != len(after) {
		t.Fatalf("%d records in, %d out", len(before), len(after))
	}
	for i := range before {
		ft.checkRecord(t, i, before[i], after[i])
	}
	stripPrefix(before, ft.cfg.Output.Prefix)
	stripPrefix(after, ft.cfg.Output.Prefix)
}

// checkSame compares two batches, stripped of the prefix, byte for byte.
func (ft *fuzzTarget) checkSame(t *testing.T, before, after []byte) {
	t.Helper()
	if !bytes.Equal(before, after) {
		t.Fatalf("the batch changed beyond the documented attributes:\n%x\n%x", before, after)
	}
}

func buildTraces(b *fuzzBatch) ptrace.Traces {
	r := b.r
	td := ptrace.NewTraces()
	for range 1 + r.intn(3) {
		rs := td.ResourceSpans().AppendEmpty()
		b.attrs(rs.Resource().Attributes())
		for range 1 + r.intn(2) {
			ss := rs.ScopeSpans().AppendEmpty()
			for range r.intn(4) {
				sp := ss.Spans().AppendEmpty()
				sp.SetName(r.str())
				sp.Status().SetCode(ptrace.StatusCode(r.intn(3)))
				b.attrs(sp.Attributes())
				for range r.intn(3) {
					b.attrs(sp.Events().AppendEmpty().Attributes())
				}
			}
		}
	}
	return td
}

func buildLogs(b *fuzzBatch) plog.Logs {
	r := b.r
	ld := plog.NewLogs()
	for range 1 + r.intn(3) {
		rl := ld.ResourceLogs().AppendEmpty()
		b.attrs(rl.Resource().Attributes())
		for range 1 + r.intn(2) {
			sl := rl.ScopeLogs().AppendEmpty()
			for range r.intn(5) {
				lr := sl.LogRecords().AppendEmpty()
				lr.SetSeverityNumber(plog.SeverityNumber(r.intn(25)))
				if r.byte()&1 == 1 {
					lr.SetSeverityText(r.str())
				}
				b.attrs(lr.Attributes())
			}
		}
	}
	return ld
}

func buildMetrics(b *fuzzBatch) pmetric.Metrics {
	r := b.r
	md := pmetric.NewMetrics()
	for range 1 + r.intn(3) {
		rm := md.ResourceMetrics().AppendEmpty()
		b.attrs(rm.Resource().Attributes())
		for range 1 + r.intn(2) {
			sm := rm.ScopeMetrics().AppendEmpty()
			for range r.intn(4) {
				m := sm.Metrics().AppendEmpty()
				m.SetName(r.str())
				points := r.intn(3)
				switch r.intn(5) {
				case 0:
					dps := m.SetEmptyGauge().DataPoints()
					for range points {
						dp := dps.AppendEmpty()
						dp.SetIntValue(int64(r.byte()))
						b.attrs(dp.Attributes())
						if r.byte()&1 == 1 {
							b.attrs(dp.Exemplars().AppendEmpty().FilteredAttributes())
						}
					}
				case 1:
					dps := m.SetEmptySum().DataPoints()
					for range points {
						dp := dps.AppendEmpty()
						dp.SetDoubleValue(float64(r.byte()))
						b.attrs(dp.Attributes())
					}
				case 2:
					dps := m.SetEmptyHistogram().DataPoints()
					for range points {
						b.attrs(dps.AppendEmpty().Attributes())
					}
				case 3:
					dps := m.SetEmptyExponentialHistogram().DataPoints()
					for range points {
						b.attrs(dps.AppendEmpty().Attributes())
					}
				case 4:
					dps := m.SetEmptySummary().DataPoints()
					for range points {
						b.attrs(dps.AppendEmpty().Attributes())
					}
				}
			}
		}
	}
	return md
}

// fuzzProcessSeeds are inputs that reach every signal and configuration
// with codes, hints and repeated keys; the committed corpus adds more.
func fuzzProcessSeeds() [][]byte {
	var seeds [][]byte
	for head := range byte(12) {
		for _, body := range [][]byte{
			// One resource with an error.vendor, one scope, records with
			// error.code = 2601, a repeated error.catalog.category.
			{0, 1, 6, 1, 3, 1, 1, 0, 0, 2, 1, 0, 0, 1, 0, 3, 0, 1, 0, 12, 1, 0, 12, 1, 1, 1, 2},
			{1, 0, 2, 3, 2, 1, 3, 1, 4, 8, 1, 14, 1, 1, 12, 1, 1, 12, 1, 1, 0, 2, 6, 2, 0},
			{2, 1, 1, 4, 0, 5, 4, 1, 6, 1, 9, 2, 1, 7, 7, 1, 8, 1, 15, 2, 2, 1, 3},
		} {
			seeds = append(seeds, append([]byte{head}, body...))
		}
	}
	return seeds
}
