package processor

import (
	"context"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	collectorprocessor "go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
	"github.com/errorcatalog/errorcatalogprocessor/internal/metadata"
)

// The factory benchmark: errorcatalog as a distribution runs it, created
// by NewFactory with the default configuration and fed through its
// Consume method into a nop consumer, against a hand-written floor in this
// file. Both get identical copies of the same log batches: 10 resources of
// 100 records, 10 attributes each, 30% of the records carrying error.vendor
// and error.code with the five vendors interleaved (integer codes for
// Speakap, strings for the others).
const (
	factoryResources = 10
	factoryRecords   = 100 // per resource
	factoryShare     = 30  // percent of records with a code
)

// factoryCodes are the codes the coded records carry, in turn.
var factoryCodes = []struct {
	vendor string
	code   any
}{
	{"speakap", int64(-3)},
	{"zingle", "2601"},
	{"cometchat", "ERR_UID_NOT_FOUND"},
	{"netease_im", "414"},
	{"fonedynamics", "NUMBER_NOT_FOUND"},
}

// factoryBatch builds the benchmark's batch.
func factoryBatch() plog.Logs {
	ld := plog.NewLogs()
	g, coded := 0, 0
	for r := range factoryResources {
		rl := ld.ResourceLogs().AppendEmpty()
		fillResource(rl.Resource().Attributes())
		rl.Resource().Attributes().PutInt("service.instance.number", int64(r))
		lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
		for range factoryRecords {
			lr := lrs.AppendEmpty()
			lr.Body().SetStr("vendor call failed")
			m := lr.Attributes()
			putCallAttributes(m, 400)
			if hasCode(g, factoryShare) {
				c := factoryCodes[coded%len(factoryCodes)]
				coded++
				m.PutStr("error.vendor", c.vendor)
				switch v := c.code.(type) {
				case int64:
					m.PutInt("error.code", v)
				case string:
					m.PutStr("error.code", v)
				}
			} else {
				m.PutStr("messaging.system", "none")
				m.PutStr("enduser.role", "member")
			}
			g++
		}
	}
	return ld
}

// putCallAttributes writes the eight attributes of an HTTP client call
// every benchmark record carries.
func putCallAttributes(m pcommon.Map, status int64) {
	m.PutStr("http.request.method", "POST")
	m.PutInt("http.response.status_code", status)
	m.PutStr("url.scheme", "https")
	m.PutStr("network.protocol.version", "1.1")
	m.PutStr("code.function", "client.Send")
	m.PutStr("thread.name", "worker-3")
	m.PutInt("retry.count", 0)
	m.PutStr("user_agent.original", "acme-client/2.1")
}

// factoryFloor is the least an enrichment through pdata does: read
// error.vendor and error.code, look vendor and code up in a Go map, and
// write the attributes errorcatalog's default configuration writes, with
// the same pdata calls. It removes nothing, counts nothing and infers
// nothing.
type factoryFloor struct {
	ints map[floorIntKey]*floorEntry
	strs map[floorStrKey]*floorEntry
}

type floorIntKey struct {
	vendor string
	code   int64
}

type floorStrKey struct{ vendor, code string }

func newFactoryFloor(cat *catalog.Catalog) *factoryFloor {
	f := &factoryFloor{ints: map[floorIntKey]*floorEntry{}, strs: map[floorStrKey]*floorEntry{}}
	for _, e := range cat.Entries() {
		fe := newFloorEntry(e)
		if e.Vendor.CodeType == catalog.CodeTypeInt {
			f.ints[floorIntKey{e.Vendor.ID, e.IntCode}] = fe
		} else {
			f.strs[floorStrKey{e.Vendor.ID, e.Code}] = fe
		}
	}
	return f
}

func (f *factoryFloor) consume(ld plog.Logs) {
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				f.record(lr.Attributes())
			}
		}
	}
}

func (f *factoryFloor) record(attrs pcommon.Map) {
	vendor, ok := attrs.Get("error.vendor")
	if !ok {
		return
	}
	code, ok := attrs.Get("error.code")
	if !ok {
		return
	}
	var e *floorEntry
	switch code.Type() {
	case pcommon.ValueTypeInt:
		e = f.ints[floorIntKey{vendor.Str(), code.Int()}]
	case pcommon.ValueTypeStr:
		// Zingle's and NetEase's codes are integers, sent here as strings.
		if e = f.strs[floorStrKey{vendor.Str(), code.Str()}]; e == nil {
			if v, err := strconv.ParseInt(code.Str(), 10, 64); err == nil {
				e = f.ints[floorIntKey{vendor.Str(), v}]
			}
		}
	}
	if e == nil {
		return
	}
	e.write(attrs)
}

// newFactoryLogs returns a started logs processor made by NewFactory with
// cfg, feeding a nop consumer, and a real SDK meter provider so that
// batches pay for recording their counts as in a collector.
func newFactoryLogs(tb testing.TB, cfg *config.Config) collectorprocessor.Logs {
	tb.Helper()
	tel := componenttest.NewTelemetry()
	tb.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	p, err := NewFactory().CreateLogs(context.Background(), set, cfg, consumertest.NewNop())
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p
}

// TestFactoryFloorSameOutput checks that the floor and errorcatalog write
// the same attributes on the benchmark's batch, so that they do the same
// work.
func TestFactoryFloorSameOutput(t *testing.T) {
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want, got := factoryBatch(), factoryBatch()
	newFactoryFloor(cat).consume(want)
	if err := newFactoryLogs(t, config.Default()).ConsumeLogs(context.Background(), got); err != nil {
		t.Fatal(err)
	}
	coded := 0
	for i, rl := range want.ResourceLogs().All() {
		for j, lr := range rl.ScopeLogs().At(0).LogRecords().All() {
			g := got.ResourceLogs().At(i).ScopeLogs().At(0).LogRecords().At(j).Attributes()
			if w := lr.Attributes().AsRaw(); !mapsEqual(w, g.AsRaw()) {
				t.Fatalf("resource %d record %d: floor wrote %v, errorcatalog %v", i, j, w, g.AsRaw())
			}
			if _, ok := lr.Attributes().Get("error.catalog.name"); ok {
				coded++
			}
		}
	}
	if wantCoded := factoryResources * factoryRecords * factoryShare / 100; coded != wantCoded {
		t.Fatalf("%d records enriched, want %d", coded, wantCoded)
	}
}

func mapsEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// BenchmarkFactory measures errorcatalog through the public factory
// against the floor, in turns within one run, on fresh copies of the same
// batch (the copies are made outside the timed sections). With
// attributes=category,class only those two attributes are written, and the
// floor is not run: it reports what the cost control saves against the
// default in the same run.
func BenchmarkFactory(b *testing.B) {
	cat, err := catalog.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	floor := newFactoryFloor(cat)
	ctx := context.Background()
	records := float64(factoryResources * factoryRecords)

	b.Run("default", func(b *testing.B) {
		p := newFactoryLogs(b, config.Default())
		runFactoryPair(b, records,
			func(ld plog.Logs) { floor.consume(ld) },
			func(ld plog.Logs) { _ = p.ConsumeLogs(ctx, ld) },
			"floor", "errorcatalog")
	})
	b.Run("attributes=category,class", func(b *testing.B) {
		all := newFactoryLogs(b, config.Default())
		cfg := config.Default()
		cfg.Output.Attributes = []config.Attribute{config.AttributeCategory, config.AttributeClass}
		two := newFactoryLogs(b, cfg)
		runFactoryPair(b, records,
			func(ld plog.Logs) { _ = all.ConsumeLogs(ctx, ld) },
			func(ld plog.Logs) { _ = two.ConsumeLogs(ctx, ld) },
			"all", "two")
	})
}

// runFactoryPair times a and b in turns on copies of the factory batch
// and reports each one's ns and allocs per record and b's ratio to a.
func runFactoryPair(tb *testing.B, records float64, a, b func(plog.Logs), nameA, nameB string) {
	runFactoryPairOn(tb, factoryBatch(), records, a, b, nameA, nameB)
}

// runFactoryPairOn is runFactoryPair on copies of template.
func runFactoryPairOn(tb *testing.B, template plog.Logs, records float64, a, b func(plog.Logs), nameA, nameB string) {
	fresh := func() plog.Logs {
		ld := plog.NewLogs()
		template.CopyTo(ld)
		return ld
	}
	allocs := func(f func(plog.Logs)) float64 {
		const runs = 20
		batches := make([]plog.Logs, runs)
		for i := range batches {
			batches[i] = fresh()
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for _, ld := range batches {
			f(ld)
		}
		runtime.ReadMemStats(&after)
		return float64(after.Mallocs-before.Mallocs) / (runs * records)
	}
	allocsA, allocsB := allocs(a), allocs(b)
	runtime.LockOSThread() // for threadCPU
	defer runtime.UnlockOSThread()
	// The copies each iteration makes would otherwise have the garbage
	// collector assist inside the timed sections, charging one side or
	// the other at random: collect between the timed sections instead.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	runtime.GC()
	var nsA, nsB time.Duration
	var cpuA, cpuB int64
	n := 0
	for tb.Loop() {
		if n%32 == 31 {
			tb.StopTimer()
			runtime.GC()
			tb.StartTimer()
		}
		la, lb := fresh(), fresh()
		first, second, f1, f2 := la, lb, a, b
		swap := n%2 == 1 // neither always runs first
		if swap {
			first, second, f1, f2 = lb, la, b, a
		}
		s, c := time.Now(), threadCPU()
		f1(first)
		d1, c1 := time.Since(s), threadCPU()-c
		s, c = time.Now(), threadCPU()
		f2(second)
		d2, c2 := time.Since(s), threadCPU()-c
		if swap {
			d1, d2, c1, c2 = d2, d1, c2, c1
		}
		nsA, nsB, cpuA, cpuB = nsA+d1, nsB+d2, cpuA+c1, cpuB+c2
		n++
	}
	total := float64(n) * records
	tb.ReportMetric(float64(nsA.Nanoseconds())/total, nameA+"-ns/record")
	tb.ReportMetric(float64(nsB.Nanoseconds())/total, nameB+"-ns/record")
	tb.ReportMetric(allocsA, nameA+"-allocs/record")
	tb.ReportMetric(allocsB, nameB+"-allocs/record")
	tb.ReportMetric(float64(nsB)/float64(nsA), "ratio")
	tb.ReportMetric(float64((nsB-nsA).Nanoseconds())/total, "delta-ns/record")
	if cpuA > 0 {
		tb.ReportMetric(float64(cpuB)/float64(cpuA), "cpu-ratio")
	}
}
