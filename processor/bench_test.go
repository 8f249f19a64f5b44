package processor

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/featuregate"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/xpdata/pref"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// The benchmarks of the enrichment, reported per record so that batch sizes
// compare. A record is a span, a span event, a log record or a data point.
// Alternatives are measured in turns within one run (runPaired): on a
// machine shared with other work, times taken in turns compare where times
// taken one benchmark after another do not. Each reports, per alternative,
// <name>-ns/record (wall time), <name>-cpu-ns/record (CPU time of the
// benchmark's thread) and <name>-allocs/record, and the comparison itself:
//
//   - BenchmarkNoCode: records without a code, errorcatalog against plain
//     iteration over the same batches (overhead-ns/record).
//   - BenchmarkFloor: records with a known code, errorcatalog against the
//     hand-written floor: read the code, one Go map lookup, write the same
//     attributes with pdata (ratio, cpu-ratio, extra-allocs/record).
//   - BenchmarkCatalogSize: the same records against the built-in catalog
//     (460 entries) and two generated catalogs of 100,000 entries, one of
//     many vendors and one of a few large ones (100k-wide/460, ...).
//   - BenchmarkMatrix: errorcatalog alone over every signal and context,
//     batch size, share of records with a code, code type and way of
//     resolving the vendor (ns/record, cpu-ns/record, allocs/record).
//   - BenchmarkProtoPooling: the floor and errorcatalog with pdata's
//     pdata.useProtoPooling feature gate off and on.
//
// `make bench` runs a subset that answers each question and prints
// benchstat tables; BENCH_MATRIX=full in the environment runs every
// combination.

// fullMatrix selects every combination instead of the default subset.
var fullMatrix = os.Getenv("BENCH_MATRIX") == "full"

// Signals and contexts. For "events" every span carries no code and has
// one exception event that may carry one: the processor reads both, and the
// event falls back to its span for vendor hints. A batch of n holds n spans
// and n events, 2n records.
var (
	allSignals     = []string{"spans", "events", "logs", "gauge", "sum", "histogram", "exphistogram", "summary"}
	allBatches     = []int{1, 100, 1000}
	allShares      = []int{0, 30, 100}
	allCodeTypes   = []string{"int", "str"}
	allVendorModes = []string{"attr", "host", "infer", "key"}
)

// pick returns all when the full matrix runs, else the default subset.
func pick[T any](all, subset []T) []T {
	if fullMatrix {
		return all
	}
	return subset
}

// workload is one benchmark input.
type workload struct {
	signal string
	batch  int    // records per batch
	share  int    // percent of records that carry a code
	code   string // int: an integer code (Speakap -3); str: a symbolic one (CometChat ERR_UID_NOT_FOUND)
	// vendor is how the vendor resolves: attr, the error.vendor attribute;
	// host, the server.address attribute; infer, from the code alone (the
	// record's server.address names a host no vendor has); key, the code
	// sits in the vendor's own <vendor>.error.code attribute.
	vendor string
}

// records returns how many records a batch of w holds: for events, every
// span and every event is a record the processor reads.
func (w workload) records() int {
	if w.signal == "events" {
		return 2 * w.batch
	}
	return w.batch
}

func (w workload) String() string {
	return fmt.Sprintf("%s/batch=%d/codes=%d/code=%s/vendor=%s", w.signal, w.batch, w.share, w.code, w.vendor)
}

// codeSpec is the vendor code records carry, and the hints that name its vendor.
type codeSpec struct {
	vendorName string // in error.vendor, as users write it
	host       string // in server.address
	key        string // the vendor's own code attribute
	put        func(m pcommon.Map, key string)
}

var codeSpecs = map[string]codeSpec{
	// Speakap -3 documents an HTTP status: every default attribute is written.
	"int": {vendorName: "Speakap", host: "api.speakap.com", key: "speakap.error.code",
		put: func(m pcommon.Map, key string) { m.PutInt(key, -3) }},
	"str": {vendorName: "CometChat", host: "api-us.cometchat.io", key: "cometchat.error.code",
		put: func(m pcommon.Map, key string) { m.PutStr(key, "ERR_UID_NOT_FOUND") }},
}

// unknownHost is a host no catalog vendor has, so resolution falls through
// every hint to inference.
const unknownHost = "orders.internal.example"

// hasCode spreads share percent of the records of a ring evenly over it:
// record g carries a code when the running count of codes steps at g.
func hasCode(g, share int) bool {
	return (g+1)*share/100 != g*share/100
}

// fillRecord writes the attributes of an HTTP client call; records with a
// code also carry the code and, for vendor=attr, error.vendor.
func fillRecord(m pcommon.Map, w workload, withCode, withHost bool) {
	spec := codeSpecs[w.code]
	m.PutStr("http.request.method", "POST")
	m.PutStr("http.route", "/v1/messages/{id}")
	m.PutInt("http.response.status_code", 400)
	if withHost {
		fillHost(m, w)
	}
	if !withCode {
		return
	}
	if w.vendor == "attr" {
		m.PutStr("error.vendor", spec.vendorName)
	}
	key := config.DefaultCodeAttribute
	if w.vendor == "key" {
		key = spec.key
	}
	spec.put(m, key)
}

func fillHost(m pcommon.Map, w workload) {
	if w.vendor == "infer" {
		m.PutStr("server.address", unknownHost)
	} else {
		m.PutStr("server.address", codeSpecs[w.code].host)
	}
	m.PutInt("server.port", 443)
}

// fillResource writes what an SDK and the k8sattributes processor put on
// a resource: records fall back to these for vendor hints.
func fillResource(m pcommon.Map) {
	m.PutStr("service.name", "checkout")
	m.PutStr("service.version", "1.4.2")
	m.PutStr("service.namespace", "shop")
	m.PutStr("deployment.environment.name", "production")
	m.PutStr("telemetry.sdk.name", "opentelemetry")
	m.PutStr("telemetry.sdk.language", "go")
	m.PutStr("telemetry.sdk.version", "1.46.0")
	m.PutStr("host.name", "node-7")
	m.PutStr("os.type", "linux")
	m.PutInt("process.pid", 4242)
	m.PutStr("k8s.namespace.name", "shop")
	m.PutStr("k8s.pod.name", "checkout-7c9f8d6b5-x2x4q")
	m.PutStr("k8s.deployment.name", "checkout")
	m.PutStr("k8s.node.name", "node-7")
	m.PutStr("cloud.region", "eu-west-1")
}

// batchData is one batch of one signal: traces, logs or metrics.
type batchData struct {
	kind byte // 't', 'l' or 'm'
	td   ptrace.Traces
	ld   plog.Logs
	md   pmetric.Metrics
}

// buildBatch builds batch number n of a ring; record g of the ring is
// record i of batch n, g = n*batch+i.
func buildBatch(w workload, n int) batchData {
	withCode := func(i int) bool { return hasCode(n*w.batch+i, w.share) }
	switch w.signal {
	case "spans", "events":
		td := ptrace.NewTraces()
		rs := td.ResourceSpans().AppendEmpty()
		fillResource(rs.Resource().Attributes())
		ss := rs.ScopeSpans().AppendEmpty()
		ss.Scope().SetName("checkout/vendorclient")
		spans := ss.Spans()
		spans.EnsureCapacity(w.batch)
		for i := range w.batch {
			sp := spans.AppendEmpty()
			sp.SetName("POST /v1/messages")
			sp.SetKind(ptrace.SpanKindClient)
			if w.signal == "spans" {
				fillRecord(sp.Attributes(), w, withCode(i), true)
				continue
			}
			fillRecord(sp.Attributes(), w, false, true)
			ev := sp.Events().AppendEmpty()
			ev.SetName("exception")
			a := ev.Attributes()
			a.PutStr("exception.type", "VendorError")
			a.PutStr("exception.message", "the vendor refused the call")
			if withCode(i) {
				spec := codeSpecs[w.code]
				if w.vendor == "attr" {
					a.PutStr("error.vendor", spec.vendorName)
				}
				key := config.DefaultCodeAttribute
				if w.vendor == "key" {
					key = spec.key
				}
				spec.put(a, key)
			}
		}
		return batchData{kind: 't', td: td}
	case "logs":
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		fillResource(rl.Resource().Attributes())
		lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
		lrs.EnsureCapacity(w.batch)
		for i := range w.batch {
			lr := lrs.AppendEmpty()
			lr.SetSeverityNumber(plog.SeverityNumberWarn)
			lr.Body().SetStr("vendor call failed")
			fillRecord(lr.Attributes(), w, withCode(i), true)
		}
		return batchData{kind: 'l', ld: ld}
	default:
		md := pmetric.NewMetrics()
		rm := md.ResourceMetrics().AppendEmpty()
		fillResource(rm.Resource().Attributes())
		m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
		m.SetName("http.client.request.duration")
		for i := range w.batch {
			fillRecord(newDataPoint(m, w.signal), w, withCode(i), true)
		}
		return batchData{kind: 'm', md: md}
	}
}

// newDataPoint appends a data point of the metric type signal names to m
// and returns its attributes.
func newDataPoint(m pmetric.Metric, signal string) pcommon.Map {
	switch signal {
	case "gauge":
		g := m.Gauge()
		if m.Type() != pmetric.MetricTypeGauge {
			g = m.SetEmptyGauge()
		}
		dp := g.DataPoints().AppendEmpty()
		dp.SetDoubleValue(0.25)
		return dp.Attributes()
	case "sum":
		s := m.Sum()
		if m.Type() != pmetric.MetricTypeSum {
			s = m.SetEmptySum()
		}
		dp := s.DataPoints().AppendEmpty()
		dp.SetIntValue(1)
		return dp.Attributes()
	case "histogram":
		h := m.Histogram()
		if m.Type() != pmetric.MetricTypeHistogram {
			h = m.SetEmptyHistogram()
		}
		dp := h.DataPoints().AppendEmpty()
		dp.SetCount(3)
		dp.SetSum(0.75)
		dp.ExplicitBounds().FromRaw([]float64{0.1, 0.5, 1})
		dp.BucketCounts().FromRaw([]uint64{0, 2, 1, 0})
		return dp.Attributes()
	case "exphistogram":
		h := m.ExponentialHistogram()
		if m.Type() != pmetric.MetricTypeExponentialHistogram {
			h = m.SetEmptyExponentialHistogram()
		}
		dp := h.DataPoints().AppendEmpty()
		dp.SetCount(3)
		dp.SetScale(2)
		dp.Positive().BucketCounts().FromRaw([]uint64{2, 1})
		return dp.Attributes()
	case "summary":
		s := m.Summary()
		if m.Type() != pmetric.MetricTypeSummary {
			s = m.SetEmptySummary()
		}
		dp := s.DataPoints().AppendEmpty()
		dp.SetCount(3)
		dp.SetSum(0.75)
		q := dp.QuantileValues().AppendEmpty()
		q.SetQuantile(0.99)
		q.SetValue(0.5)
		return dp.Attributes()
	}
	panic("unknown signal " + signal)
}

// visitor is what a walk does with each record's attributes.
type visitor interface{ visit(attrs pcommon.Map) }

// walk calls v with the attributes of every record of d, in the order the
// processor reads them. It is generic so each visitor gets its own
// compiled walk, with direct calls, like the processor's own loops.
func walk[V visitor](d batchData, v V) {
	switch d.kind {
	case 't':
		rss := d.td.ResourceSpans()
		for i := 0; i < rss.Len(); i++ {
			sss := rss.At(i).ScopeSpans()
			for j := 0; j < sss.Len(); j++ {
				spans := sss.At(j).Spans()
				for k := 0; k < spans.Len(); k++ {
					span := spans.At(k)
					v.visit(span.Attributes())
					events := span.Events()
					for e := 0; e < events.Len(); e++ {
						v.visit(events.At(e).Attributes())
					}
				}
			}
		}
	case 'l':
		rls := d.ld.ResourceLogs()
		for i := 0; i < rls.Len(); i++ {
			sls := rls.At(i).ScopeLogs()
			for j := 0; j < sls.Len(); j++ {
				lrs := sls.At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					v.visit(lrs.At(k).Attributes())
				}
			}
		}
	default:
		rms := d.md.ResourceMetrics()
		for i := 0; i < rms.Len(); i++ {
			sms := rms.At(i).ScopeMetrics()
			for j := 0; j < sms.Len(); j++ {
				ms := sms.At(j).Metrics()
				for k := 0; k < ms.Len(); k++ {
					walkPoints(ms.At(k), v)
				}
			}
		}
	}
}

func walkPoints[V visitor](m pmetric.Metric, v V) {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		dps := m.Gauge().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			v.visit(dps.At(i).Attributes())
		}
	case pmetric.MetricTypeSum:
		dps := m.Sum().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			v.visit(dps.At(i).Attributes())
		}
	case pmetric.MetricTypeHistogram:
		dps := m.Histogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			v.visit(dps.At(i).Attributes())
		}
	case pmetric.MetricTypeExponentialHistogram:
		dps := m.ExponentialHistogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			v.visit(dps.At(i).Attributes())
		}
	case pmetric.MetricTypeSummary:
		dps := m.Summary().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			v.visit(dps.At(i).Attributes())
		}
	}
}

// plainVisitor is plain iteration: it reads each record's attribute count,
// the least a processor that looks at every record does.
type plainVisitor struct{ n *int }

func (v plainVisitor) visit(attrs pcommon.Map) { *v.n += attrs.Len() }

// floor is the hand-written loop errorcatalog is measured against: read
// error.code (or the one key the workload puts the code in), look the code
// up in a Go map, and write the same attributes errorcatalog writes, with
// the same pdata calls. It resolves no vendor, counts nothing and removes
// nothing: the least any enrichment through pdata can do.
type floor struct {
	key  string
	ints map[int64]*floorEntry
	strs map[string]*floorEntry
}

// floorEntry holds an entry's attribute values as strings, ready to write.
type floorEntry struct {
	vendor, code, name, category, class, severity string
	retryable                                     bool
	httpStatus                                    int64
}

// newFloorEntry returns e's attribute values, ready to write.
func newFloorEntry(e *catalog.Entry) *floorEntry {
	return &floorEntry{
		vendor: e.Vendor.ID, code: e.Code, name: e.Name,
		category: e.Category.String(), class: e.Class.String(), severity: e.Severity.String(),
		retryable: e.Retryable, httpStatus: int64(e.HTTPStatus),
	}
}

func newFloor(cat *catalog.Catalog, key string) *floor {
	f := &floor{key: key, ints: map[int64]*floorEntry{}, strs: map[string]*floorEntry{}}
	for _, e := range cat.Entries() {
		fe := newFloorEntry(e)
		if e.Vendor.CodeType == catalog.CodeTypeInt {
			f.ints[e.IntCode] = fe
		} else {
			f.strs[e.Code] = fe
		}
	}
	return f
}

type floorVisitor struct{ f *floor }

func (v floorVisitor) visit(attrs pcommon.Map) {
	val, ok := attrs.Get(v.f.key)
	if !ok {
		return
	}
	var e *floorEntry
	switch val.Type() {
	case pcommon.ValueTypeInt:
		e = v.f.ints[val.Int()]
	case pcommon.ValueTypeStr:
		e = v.f.strs[val.Str()]
	}
	if e == nil {
		return
	}
	e.write(attrs)
}

// write sets the entry's attributes the way errorcatalog's default
// configuration does, with the same pdata calls: what every floor writes.
func (e *floorEntry) write(attrs pcommon.Map) {
	n := 7
	if e.httpStatus != 0 {
		n++
	}
	attrs.EnsureCapacity(attrs.Len() + n)
	attrs.PutStr("error.catalog.vendor", e.vendor)
	attrs.PutStr("error.catalog.code", e.code)
	attrs.PutStr("error.catalog.name", e.name)
	attrs.PutStr("error.catalog.category", e.category)
	attrs.PutStr("error.catalog.class", e.class)
	attrs.PutStr("error.catalog.severity", e.severity)
	attrs.PutBool("error.catalog.retryable", e.retryable)
	if e.httpStatus != 0 {
		attrs.PutInt("error.catalog.http_status", e.httpStatus)
	}
}

// impl is one way of processing a batch.
type impl struct {
	name string
	// mutates is whether process changes records with a code, so a ring
	// must be rebuilt before it is processed again.
	mutates bool
	process func(d batchData)
}

func plainImpl() impl {
	var n int
	return impl{name: "plain", process: func(d batchData) { walk(d, plainVisitor{&n}) }}
}

func floorImpl(f *floor) impl {
	return impl{name: "floor", mutates: true, process: func(d batchData) { walk(d, floorVisitor{f}) }}
}

func processorImpl(name string, p *catalogProcessor) impl {
	ctx := context.Background()
	return impl{name: name, mutates: true, process: func(d batchData) {
		switch d.kind {
		case 't':
			_, _ = p.processTraces(ctx, d.td)
		case 'l':
			_, _ = p.processLogs(ctx, d.ld)
		default:
			_, _ = p.processMetrics(ctx, d.md)
		}
	}}
}

// ringRecords is about how many records a ring holds: enough that batches
// are not all hot in the CPU cache, as a collector's are not.
const ringRecords = 8192

// ring is the batches a benchmark cycles through. Records with a code are
// changed by enrichment, so a ring is rebuilt, outside the timer, before
// its batches are processed a second time.
type ring struct {
	w       workload
	batches []batchData
	next    int
	dirty   bool
	// templates are the distinct batches of the ring, copied to rebuild
	// it: which records of a batch carry a code repeats with a period of
	// 100/gcd(share, 100) records.
	templates map[int]batchData
	// release, when set, is called on every batch before a rebuild, as the
	// collector's pipeline releases a request once it was exported.
	release func(batchData)
}

func newRing(w workload) *ring {
	r := &ring{
		w:         w,
		batches:   make([]batchData, max(1, ringRecords/w.batch)),
		templates: map[int]batchData{},
	}
	r.build()
	return r
}

func (r *ring) build() {
	period := 100
	if r.w.share > 0 {
		period = 100 / gcd(r.w.share, 100)
	}
	for n := range r.batches {
		if r.release != nil && r.dirty {
			r.release(r.batches[n])
		}
		key := n * r.w.batch % period
		t, ok := r.templates[key]
		if !ok {
			t = buildBatch(r.w, n)
			r.templates[key] = t
		}
		r.batches[n] = t.clone()
	}
	r.next, r.dirty = 0, false
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func (d batchData) clone() batchData {
	c := batchData{kind: d.kind}
	switch d.kind {
	case 't':
		c.td = ptrace.NewTraces()
		d.td.CopyTo(c.td)
	case 'l':
		c.ld = plog.NewLogs()
		d.ld.CopyTo(c.ld)
	default:
		c.md = pmetric.NewMetrics()
		d.md.CopyTo(c.md)
	}
	return c
}

// run measures im over the ring and reports per-record metrics. Allocations
// are counted only while the timer runs.
func run(b *testing.B, r *ring, im impl) {
	b.Helper()
	runtime.LockOSThread() // for threadCPU
	defer runtime.UnlockOSThread()
	runtime.GC()
	var before, after runtime.MemStats
	var mallocs, bytes uint64
	var cpuStart, cpu int64
	// A ring another implementation changed is rebuilt first.
	if r.dirty {
		r.build()
	}
	r.next = 0
	iters := 0
	counting := false
	pause := func() {
		b.StopTimer()
		if counting {
			cpu += threadCPU() - cpuStart
			runtime.ReadMemStats(&after)
			mallocs += after.Mallocs - before.Mallocs
			bytes += after.TotalAlloc - before.TotalAlloc
		}
	}
	resume := func() {
		runtime.ReadMemStats(&before)
		counting = true
		cpuStart = threadCPU()
		b.StartTimer()
	}
	for b.Loop() {
		switch {
		case !counting:
			pause()
			resume()
		case r.next == len(r.batches) && r.dirty:
			// Stopping the timer reads the memory statistics, which
			// stops the world: only a rebuild is worth it.
			pause()
			r.build()
			resume()
		case r.next == len(r.batches):
			r.next = 0
		}
		im.process(r.batches[r.next])
		if im.mutates && r.w.share > 0 {
			r.dirty = true
		}
		r.next++
		iters++
	}
	pause()
	records := float64(iters * r.w.records())
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/records, "ns/record")
	b.ReportMetric(float64(cpu)/records, "cpu-ns/record")
	b.ReportMetric(float64(mallocs)/records, "allocs/record")
	b.ReportMetric(float64(bytes)/records, "B/record")
}

// chunkRecords is about how many records runPaired gives one
// implementation before the next: enough that reading the clock costs
// nothing next to the work, few enough that the implementations take turns
// many times a millisecond and so share the machine's conditions.
const chunkRecords = 1024

// runPaired measures several implementations on identical rings, taking
// turns chunk by chunk within one run, and reports each one's ns/record
// (as <name>-ns/record) and allocs/record. On a machine shared with other
// work, times taken in turns compare where times taken one after the other
// do not. Allocations are counted once per implementation, outside the
// timed loop: they do not vary.
//
// release, when set, is called on every batch before a ring is rebuilt.
// The second-to-last metric is errorcatalog's allocations beyond the
// first implementation's (extra-allocs/record).
func runPaired(b *testing.B, w workload, ims []impl, release func(batchData)) []pairedResult {
	b.Helper()
	rings := make([]*ring, len(ims))
	for i := range ims {
		rings[i] = newRing(w)
		rings[i].release = release
	}
	chunk := max(1, chunkRecords/w.batch)
	allocs := make([]float64, len(ims))
	for i, im := range ims {
		allocs[i] = allocsPerRecord(rings[i], im, chunk)
	}
	runtime.LockOSThread() // for threadCPU
	defer runtime.UnlockOSThread()
	runtime.GC()
	elapsed := make([]time.Duration, len(ims))
	cpu := make([]int64, len(ims))
	records, next, turn := 0, 0, 0
	for b.Loop() {
		if next+chunk > len(rings[0].batches) {
			b.StopTimer()
			for i, r := range rings {
				if ims[i].mutates && w.share > 0 {
					r.dirty = true
					r.build()
				}
			}
			next = 0
			b.StartTimer()
		}
		// Forward and backward in turn, so that no implementation always
		// follows the same one (and inherits, say, its garbage).
		for j := range ims {
			i := j
			if turn%2 == 1 {
				i = len(ims) - 1 - j
			}
			batches := rings[i].batches[next : next+chunk]
			start, startCPU := time.Now(), threadCPU()
			for _, d := range batches {
				ims[i].process(d)
			}
			cpu[i] += threadCPU() - startCPU
			elapsed[i] += time.Since(start)
		}
		turn++
		next += chunk
		records += chunk * w.records()
	}
	perRecord := make([]pairedResult, len(ims))
	for i, im := range ims {
		perRecord[i] = pairedResult{
			ns:  float64(elapsed[i].Nanoseconds()) / float64(records),
			cpu: float64(cpu[i]) / float64(records),
		}
		b.ReportMetric(perRecord[i].ns, im.name+"-ns/record")
		b.ReportMetric(perRecord[i].cpu, im.name+"-cpu-ns/record")
		b.ReportMetric(allocs[i], im.name+"-allocs/record")
	}
	if len(ims) == 2 {
		b.ReportMetric(allocs[1]-allocs[0], "extra-allocs/record")
	}
	return perRecord
}

// pairedResult is one implementation's time per record in runPaired: wall
// time, and the CPU time of the benchmark's thread.
type pairedResult struct{ ns, cpu float64 }

// allocsPerRecord counts im's allocations over one chunk of r in the
// steady state: after a chunk to warm up or, when the ring releases its
// batches, after the whole ring was processed once and rebuilt (released).
// It leaves r rebuilt.
func allocsPerRecord(r *ring, im impl, chunk int) float64 {
	warm := r.batches[:chunk]
	if r.release != nil {
		warm = r.batches
	}
	for _, d := range warm {
		im.process(d)
	}
	r.dirty = im.mutates && r.w.share > 0
	r.build()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, d := range r.batches[:chunk] {
		im.process(d)
	}
	runtime.ReadMemStats(&after)
	r.dirty = im.mutates && r.w.share > 0
	r.build()
	return float64(after.Mallocs-before.Mallocs) / float64(chunk*r.w.records())
}

// Catalogs: the built-in one and two generated ones of 100,000 entries
// that contain it, so the same codes resolve the same way at every size.
const (
	catalogBuiltin = "460"
	catalogWide    = "100k-wide" // the built-ins and 996 generated vendors of up to 100 entries
	catalogDeep    = "100k-deep" // the built-ins and 2 generated vendors of 49,770 entries
	bigCatalogSize = 100000
)

// benchProcessor returns a processor with the default configuration over
// the named catalog, its state built directly from the catalog.
func benchProcessor(b *testing.B, name string) *catalogProcessor {
	b.Helper()
	cat := benchCatalog(b, name)
	cfg := config.Default()
	// A real SDK meter provider, so a batch pays for recording its counts
	// as it does in a collector.
	tel := componenttest.NewTelemetry()
	p, err := newCatalogProcessor(cfg, tel.NewTelemetrySettings())
	if err != nil {
		b.Fatal(err)
	}
	st, err := newState(cfg, cat)
	if err != nil {
		b.Fatal(err)
	}
	p.state.Store(st)
	if st.entries != map[string]int{catalogBuiltin: 460, catalogWide: bigCatalogSize, catalogDeep: bigCatalogSize}[name] {
		b.Fatalf("catalog %s has %d entries", name, st.entries)
	}
	return p
}

// startGroup begins a top-level benchmark with the garbage of the previous
// one collected, so each group runs on the same heap whatever ran before.
func startGroup() { runtime.GC() }

func benchCatalog(b *testing.B, name string) *catalog.Catalog {
	b.Helper()
	cat, err := catalog.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	extra := bigCatalogSize - len(cat.Entries())
	switch name {
	case catalogBuiltin:
		return cat
	case catalogWide:
		for k := 0; extra > 0; k++ {
			n := min(100, extra)
			cat.Vendors = append(cat.Vendors, syntheticVendor(k, n))
			extra -= n
		}
	case catalogDeep:
		cat.Vendors = append(cat.Vendors, syntheticVendor(0, extra/2), syntheticVendor(1, extra-extra/2))
	default:
		b.Fatalf("unknown catalog %q", name)
	}
	return cat
}

// syntheticVendor returns vendor k with n entries: even vendors have
// integer codes, odd ones symbolic codes, none shared with another vendor,
// so inference of the built-in codes stays unique.
func syntheticVendor(k, n int) *catalog.VendorCatalog {
	id := fmt.Sprintf("synth%04d", k)
	v := &catalog.Vendor{
		ID: id, Name: "Synthetic " + id, Aliases: []string{"synthetic-" + strconv.Itoa(k)},
		Hosts: []string{"*." + id + ".example", "api." + id + ".example.net"}, CodeType: catalog.CodeTypeInt,
	}
	if k%2 == 1 {
		v.CodeType = catalog.CodeTypeString
	}
	vc := &catalog.VendorCatalog{Vendor: v}
	for j := range n {
		e := &catalog.Entry{
			Vendor: v, Name: "Synthetic Failure", Description: "A generated entry.",
			Category: catalog.CategoryServer, Class: catalog.ClassInternal, Severity: catalog.SeverityError,
			Retryable: true, HTTPStatus: 500,
		}
		if v.CodeType == catalog.CodeTypeInt {
			e.IntCode = int64(10_000_000 + k*100_000 + j)
			e.Code = strconv.FormatInt(e.IntCode, 10)
		} else {
			e.Code = fmt.Sprintf("SYNTH%04d_E%05d", k, j)
		}
		vc.Entries = append(vc.Entries, e)
	}
	return vc
}

// newFloorFor returns the floor of w over the built-in catalog.
func newFloorFor(b *testing.B, w workload) *floor {
	b.Helper()
	cat, err := catalog.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	key := config.DefaultCodeAttribute
	if w.vendor == "key" {
		key = codeSpecs[w.code].key
	}
	return newFloor(cat, key)
}

// checkSameOutput fails the benchmark unless errorcatalog and the floor
// write the same attributes on w's records, and errorcatalog enriched every
// record with a code: the floor is only a floor if it does the same work.
func checkSameOutput(b *testing.B, w workload, p *catalogProcessor, f *floor) {
	b.Helper()
	got, want := buildBatch(w, 0), buildBatch(w, 0)
	processorImpl("errorcatalog", p).process(got)
	floorImpl(f).process(want)
	var gotAttrs, wantAttrs []pcommon.Map
	walk(got, collect{&gotAttrs})
	walk(want, collect{&wantAttrs})
	enriched := 0
	for i := range gotAttrs {
		g, wa := gotAttrs[i].AsRaw(), wantAttrs[i].AsRaw()
		if fmt.Sprint(g) != fmt.Sprint(wa) {
			b.Fatalf("%s: record %d: errorcatalog wrote\n%v\nthe floor wrote\n%v", w, i, g, wa)
		}
		if _, ok := g["error.catalog.name"]; ok {
			enriched++
		}
	}
	if want := w.batch * w.share / 100; w.share > 0 && enriched < max(1, want) && w.batch >= 100 {
		b.Fatalf("%s: %d records enriched, want %d", w, enriched, want)
	}
}

type collect struct{ out *[]pcommon.Map }

func (c collect) visit(attrs pcommon.Map) { *c.out = append(*c.out, attrs) }

// BenchmarkNoCode measures records that carry no code against plain
// iteration over the same batches, in turns. The target: at most 15 ns per
// record more than plain iteration (overhead-ns/record), and no allocation.
func BenchmarkNoCode(b *testing.B) {
	startGroup()
	p := benchProcessor(b, catalogBuiltin)
	for _, signal := range pick(allSignals, []string{"spans", "events", "logs", "sum", "histogram"}) {
		for _, batch := range allBatches {
			w := workload{signal: signal, batch: batch, share: 0, code: "int", vendor: "attr"}
			b.Run(fmt.Sprintf("%s/batch=%d", signal, batch), func(b *testing.B) {
				r := runPaired(b, w, []impl{plainImpl(), processorImpl("errorcatalog", p)}, nil)
				b.ReportMetric(r[1].ns-r[0].ns, "overhead-ns/record")
				b.ReportMetric(r[1].cpu-r[0].cpu, "overhead-cpu-ns/record")
			})
		}
	}
}

// BenchmarkFloor measures records that all carry a known code against the
// hand-written floor, in turns. The target: errorcatalog within 1.3 times
// the floor's time (ratio), and no allocation beyond the floor's
// (extra-allocs/record).
func BenchmarkFloor(b *testing.B) {
	startGroup()
	p := benchProcessor(b, catalogBuiltin)
	for _, signal := range pick(allSignals, []string{"spans", "events", "logs", "sum"}) {
		for _, batch := range pick(allBatches, []int{100}) {
			for _, code := range allCodeTypes {
				for _, vendor := range pick(allVendorModes, []string{"attr", "host", "infer"}) {
					w := workload{signal: signal, batch: batch, share: 100, code: code, vendor: vendor}
					f := newFloorFor(b, w)
					checkSameOutput(b, w, p, f)
					name := fmt.Sprintf("%s/batch=%d/code=%s/vendor=%s", signal, batch, code, vendor)
					b.Run(name, func(b *testing.B) {
						r := runPaired(b, w, []impl{floorImpl(f), processorImpl("errorcatalog", p)}, nil)
						b.ReportMetric(r[1].ns/r[0].ns, "ratio")
						b.ReportMetric(r[1].cpu/r[0].cpu, "cpu-ratio")
					})
				}
			}
		}
	}
}

// BenchmarkCatalogSize measures the same records against catalogs of 460
// and 100,000 entries, in turns. The target: within 10% of each other
// (the ratios to the 460-entry catalog). Records without a code are
// measured too: they try every code attribute, and by default there is one
// per catalog vendor.
func BenchmarkCatalogSize(b *testing.B) {
	startGroup()
	sizes := []string{catalogBuiltin, catalogWide, catalogDeep}
	var procs []*catalogProcessor
	var ims []impl
	for _, size := range sizes {
		p := benchProcessor(b, size)
		procs = append(procs, p)
		ims = append(ims, processorImpl(size, p))
	}
	bench := func(name string, w workload) {
		b.Run(name, func(b *testing.B) {
			r := runPaired(b, w, ims, nil)
			b.ReportMetric(r[1].ns/r[0].ns, catalogWide+"/460")
			b.ReportMetric(r[2].ns/r[0].ns, catalogDeep+"/460")
			b.ReportMetric(r[1].cpu/r[0].cpu, catalogWide+"/460-cpu")
			b.ReportMetric(r[2].cpu/r[0].cpu, catalogDeep+"/460-cpu")
		})
	}
	bench("codes=0", workload{signal: "logs", batch: 100, share: 0, code: "int", vendor: "attr"})
	for _, code := range allCodeTypes {
		for _, vendor := range allVendorModes {
			w := workload{signal: "logs", batch: 100, share: 100, code: code, vendor: vendor}
			f := newFloorFor(b, w)
			for _, p := range procs {
				checkSameOutput(b, w, p, f)
			}
			bench(fmt.Sprintf("codes=100/code=%s/vendor=%s", code, vendor), w)
		}
	}
}

// BenchmarkMatrix runs errorcatalog over every signal and context, batch
// size, share of records with a code, code type and way of resolving the
// vendor. The default subset takes every signal at one batch size.
func BenchmarkMatrix(b *testing.B) {
	startGroup()
	p := benchProcessor(b, catalogBuiltin)
	for _, signal := range allSignals {
		for _, batch := range pick(allBatches, []int{100}) {
			for _, share := range pick(allShares, []int{30, 100}) {
				for _, code := range pick(allCodeTypes, []string{"int"}) {
					for _, vendor := range pick(allVendorModes, []string{"attr"}) {
						w := workload{signal: signal, batch: batch, share: share, code: code, vendor: vendor}
						b.Run(w.String(), func(b *testing.B) { run(b, newRing(w), processorImpl("errorcatalog", p)) })
					}
				}
			}
		}
	}
}

// BenchmarkProtoPooling runs the floor and errorcatalog, in turns, with
// pdata's pdata.useProtoPooling feature gate (alpha, off by default) off
// and on. With it on, pdata takes the values' wrappers from pools, and a
// pipeline returns them when it releases a request; the rings release
// their batches the same way before they are rebuilt.
func BenchmarkProtoPooling(b *testing.B) {
	startGroup()
	const gate = "pdata.useProtoPooling"
	reg := featuregate.GlobalRegistry()
	p := benchProcessor(b, catalogBuiltin)
	w := workload{signal: "logs", batch: 100, share: 100, code: "int", vendor: "attr"}
	f := newFloorFor(b, w)
	defer func() {
		if err := reg.Set(gate, false); err != nil {
			b.Fatal(err)
		}
	}()
	for _, on := range []bool{false, true} {
		if err := reg.Set(gate, on); err != nil {
			b.Fatal(err)
		}
		release := func(d batchData) {
			if pref.MarkPipelineOwnedLogs(d.ld) {
				pref.UnrefLogs(d.ld)
			}
		}
		b.Run(fmt.Sprintf("pooling=%t", on), func(b *testing.B) {
			r := runPaired(b, w, []impl{floorImpl(f), processorImpl("errorcatalog", p)}, release)
			b.ReportMetric(r[1].ns/r[0].ns, "ratio")
			b.ReportMetric(r[1].cpu/r[0].cpu, "cpu-ratio")
		})
	}
}
