package e2e

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// Settings of the throughput benchmark, overridable in the environment:
//
//	make bench-e2e E2E_BENCH_RECORDS=400000 E2E_BENCH_REPS=7
const (
	envBenchRecords = "E2E_BENCH_RECORDS" // log records per run (default 200,000)
	envBenchSpans   = "E2E_BENCH_SPANS"   // spans per run (default 100,000)
	envBenchReps    = "E2E_BENCH_REPS"    // measured runs per setup and signal (default 5)
	envBenchWorkers = "E2E_BENCH_WORKERS" // telemetrygen log workers (default 2)
	// envBenchSpanRate is the rate spans are asked for, per second over all
	// workers (default 40,000); see BenchmarkThroughput.
	envBenchSpanRate = "E2E_BENCH_SPAN_RATE"
)

// throughputRun is one measured run.
type throughputRun struct {
	setup   string
	seconds float64 // from telemetrygen's start to the last record at the sink
	cpu     float64 // CPU seconds the collector process used meanwhile
	records int     // records sent, every one received by the sink
}

func (r throughputRun) rate() float64 { return float64(r.records) / r.seconds }

// cpuPerRecord returns the collector's CPU time per record, in microseconds.
func (r throughputRun) cpuPerRecord() float64 { return r.cpu / float64(r.records) * 1e6 }

// BenchmarkThroughput measures the distribution's end-to-end throughput
// and CPU cost with errorcatalog in its pipelines (testdata/otelcol/e2e.yaml:
// OTLP receiver, memory_limiter, errorcatalog, batch, OTLP exporter with its
// default gzip compression) against the same pipelines without it
// (e2e-baseline.yaml), over OTLP/gRPC on loopback.
//
// Method: both collectors run side by side, each exporting to its own
// counting sink. telemetrygen sends a fixed number of records, in batches
// of 512, to one setup at a time; in the traces and logs runs every record
// carries a vendor code, in logs-without-code none does:
//
//   - baseline: the pipeline without errorcatalog;
//   - errorcatalog: the pipeline with it, which enriches every record;
//   - category-class: the same with output.attributes: [category, class]
//     (e2e-two-attributes.yaml), the cost control for teams that need only
//     the two attributes dashboards and alerts key on;
//   - pre-enriched: the pipeline without it, sent records that already
//     carry every attribute errorcatalog adds. Its output is as large as
//     errorcatalog's, so the difference to it is the processor's own work,
//     and the difference to baseline adds what the larger records cost the
//     rest of the pipeline (batching, the exporter's encoding and
//     compression).
//
// After a warm-up run of each setup, the setups take turns, in forward and
// then reverse order, so that drift in the machine's load falls on all
// alike. A run lasts from telemetrygen's start until the sink has received
// every record; its CPU time is what the collector process used meanwhile,
// from the collector's own otelcol_process_cpu_seconds metric (10 ms
// resolution). The benchmark reports the medians of each setup's runs, and
// errorcatalog's overhead in throughput and in collector CPU per record
// against baseline and against pre-enriched.
//
// Logs are sent at telemetrygen's maximum rate: its log workers export each
// batch synchronously, so the collector's speed sets the rate. Spans go
// through the SDK's batch span processor, which drops spans rather than wait
// when the collector falls behind; they are sent at a fixed rate the machine
// sustains (E2E_BENCH_SPAN_RATE), where throughput is the offered rate and
// the collector's CPU per span is the measure of cost.
//
// telemetrygen and the sink share the machine with the collector; the
// collector's CPU per record does not depend on who else runs. The function
// runs its repetitions itself, so run it with -benchtime 1x.
func BenchmarkThroughput(b *testing.B) {
	gen, err := harness.Executable(harness.EnvTelemetrygen, "make tools")
	if err != nil {
		b.Fatal(err)
	}
	tg := harness.Telemetrygen{Binary: gen}
	workers := benchEnv(b, envBenchWorkers, 2)
	records := benchEnv(b, envBenchRecords, 200_000)
	spans := benchEnv(b, envBenchSpans, 100_000)
	reps := benchEnv(b, envBenchReps, 5)
	spanRate := benchEnv(b, envBenchSpanRate, 40_000)

	baseline := startBenchPipeline(b, "baseline", "e2e-baseline.yaml")
	enriching := startBenchPipeline(b, "errorcatalog", "e2e.yaml")
	twoAttrs := startBenchPipeline(b, "category-class", "e2e-two-attributes.yaml")
	for _, sig := range benchSignals(b) {
		b.Run("signal="+sig.name, func(b *testing.B) {
			setups := []benchSetup{
				{name: "baseline", pipeline: baseline, args: sig.args},
				{name: "errorcatalog", pipeline: enriching, args: sig.args},
				{name: "category-class", pipeline: twoAttrs, args: sig.args},
			}
			if sig.enrichedArgs != nil {
				setups = append(setups, benchSetup{name: "pre-enriched", pipeline: baseline,
					args: append(slices.Clone(sig.args), sig.enrichedArgs...)})
			}
			load := benchLoad{signal: sig.telemetrygen, workers: workers}
			n, unit := records, workers
			if sig.telemetrygen == "traces" {
				// The rate limiter waits once per span: many workers at a
				// modest rate each reach the rate where few at a high one
				// would not. telemetrygen sends a parent and a child span
				// per trace.
				load.workers = traceWorkers
				load.rate = spanRate / traceWorkers
				n, unit = spans, 2*traceWorkers
			}
			load.records = max(unit, n/unit*unit)
			for _, st := range setups {
				warm := load
				warm.records = max(unit, load.records/10/unit*unit)
				st.run(b, tg, warm) // not measured
			}
			var runs []throughputRun
			for rep := range reps {
				order := slices.Clone(setups)
				if rep%2 == 1 {
					slices.Reverse(order)
				}
				for _, st := range order {
					r := st.run(b, tg, load)
					b.Logf("run %d %-12s %8d %s in %6.3fs: %9.0f records/s, collector CPU %6.3fs, %.2f µs/record",
						rep+1, r.setup, r.records, sig.telemetrygen, r.seconds, r.rate(), r.cpu, r.cpuPerRecord())
					runs = append(runs, r)
				}
			}
			for _, st := range setups {
				m := medians(runs, st.name)
				b.ReportMetric(m.rate, st.name+"-records/s")
				b.ReportMetric(m.cpu, st.name+"-cpu-µs/record")
			}
			base, ec := medians(runs, "baseline"), medians(runs, "errorcatalog")
			b.ReportMetric((1-ec.rate/base.rate)*100, "throughput-overhead-%")
			b.ReportMetric((ec.cpu/base.cpu-1)*100, "cpu-overhead-%")
			// What output.attributes: [category, class] gains over the
			// default attributes, in throughput and in collector CPU.
			two := medians(runs, "category-class")
			b.ReportMetric((two.rate/ec.rate-1)*100, "category-class-throughput-gain-%")
			b.ReportMetric((1-two.cpu/ec.cpu)*100, "category-class-cpu-saving-%")
		})
	}
}

// traceWorkers is the number of telemetrygen workers sending spans.
const traceWorkers = 10

// benchSignal is what the benchmark sends: a telemetrygen signal, the
// attributes that carry its code and vendor hint, and the attributes
// errorcatalog adds to them (nil: the records carry no code).
type benchSignal struct {
	name         string
	telemetrygen string
	args         []string
	enrichedArgs []string
}

// benchSignals returns spans with a Zingle code resolved by the vendor
// attribute, log records with a CometChat code resolved by a host, and log
// records without a code, which errorcatalog only reads.
func benchSignals(b *testing.B) []benchSignal {
	b.Helper()
	c, err := catalog.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	ix := catalog.NewIndex(c)
	enrichedArgs := func(vendor string, code catalog.Code) []string {
		v, ok := ix.VendorByName(vendor)
		if !ok {
			b.Fatalf("no catalog vendor %q", vendor)
		}
		e, ok := ix.Lookup(v, code)
		if !ok {
			b.Fatalf("%s has no entry for %v", vendor, code)
		}
		attrs := enriched(e)
		var args []string
		for _, k := range slices.Sorted(maps.Keys(attrs)) {
			var val string
			switch a := attrs[k].(type) {
			case string:
				val = strconv.Quote(a)
			default:
				val = fmt.Sprint(a)
			}
			args = append(args, "--telemetry-attributes", k+"="+val)
		}
		return args
	}
	return []benchSignal{
		{
			name:         "traces",
			telemetrygen: "traces",
			args:         []string{"--telemetry-attributes", "error.code=2601", "--telemetry-attributes", `error.vendor="zingle"`},
			enrichedArgs: enrichedArgs("zingle", intCode(2601)),
		},
		{
			name:         "logs",
			telemetrygen: "logs",
			args:         []string{"--telemetry-attributes", `error.code="ERR_UID_NOT_FOUND"`, "--telemetry-attributes", `server.address="api-us.cometchat.io"`},
			enrichedArgs: enrichedArgs("cometchat", strCode("ERR_UID_NOT_FOUND")),
		},
		{
			name:         "logs-without-code",
			telemetrygen: "logs",
			args:         []string{"--telemetry-attributes", `http.route="/v3/users"`, "--telemetry-attributes", `server.address="api-us.cometchat.io"`},
		},
	}
}

// benchSetup is one of the compared setups: a pipeline and what telemetrygen
// sends it. "pre-enriched" sends the baseline pipeline records that already
// carry every attribute errorcatalog adds, so its output is as large as
// errorcatalog's: the difference to it is the processor's own work, the
// difference to "baseline" also the cost of the larger records downstream.
type benchSetup struct {
	name     string
	pipeline *benchPipeline
	args     []string
}

// benchLoad is what one run sends.
type benchLoad struct {
	signal  string
	records int
	workers int
	rate    int // per worker; 0: as fast as it can
}

type runMedians struct{ rate, cpu float64 }

func medians(runs []throughputRun, setup string) runMedians {
	var rates, cpus []float64
	for _, r := range runs {
		if r.setup == setup {
			rates = append(rates, r.rate())
			cpus = append(cpus, r.cpuPerRecord())
		}
	}
	return runMedians{rate: median(rates), cpu: median(cpus)}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func benchEnv(b *testing.B, env string, def int) int {
	b.Helper()
	s := os.Getenv(env)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", env, s)
	}
	return n
}

// benchPipeline is one collector with its counting sink.
type benchPipeline struct {
	name      string
	collector *harness.Collector
	sink      *harness.Sink
}

func startBenchPipeline(b *testing.B, name, config string) *benchPipeline {
	b.Helper()
	path, err := harness.Config(config)
	if err != nil {
		b.Fatalf("collector configuration: %v", err)
	}
	sink := harness.StartSink(b, harness.CountOnly())
	c := harness.StartCollector(b, otelcolBinary, path, harness.NewEndpoints(b, sink.Addr))
	return &benchPipeline{name: name, collector: c, sink: sink}
}

// quiet is how long the sink must receive nothing for a run to be over:
// well above the batch processor's 100ms timeout.
const quiet = time.Second

// run has telemetrygen send the load's records, every one carrying a
// vendor code, and waits until the sink has received them all and then
// nothing more for a while. Every wait is bounded.
func (st benchSetup) run(b *testing.B, tg harness.Telemetrygen, l benchLoad) throughputRun {
	b.Helper()
	p := st.pipeline
	count := func() int64 {
		c := p.sink.Counts()
		if l.signal == "traces" {
			return c.Spans
		}
		return c.LogRecords
	}
	budget := time.Minute + time.Duration(l.records)*100*time.Microsecond
	args := []string{"--workers", strconv.Itoa(l.workers), "--batch-size", "512", "--rate", strconv.Itoa(l.rate)}
	if l.signal == "traces" {
		args = append(args, "--traces", strconv.Itoa(l.records/2/l.workers))
	} else {
		args = append(args, "--logs", strconv.Itoa(l.records/l.workers))
	}
	args = append(args, st.args...)
	before := count()
	cpu0 := p.cpuSeconds(b)
	start := time.Now()
	if err := tg.Run(context.Background(), budget, l.signal, p.collector.Endpoints.OTLPGRPC, args...); err != nil {
		b.Fatal(err)
	}
	deadline := start.Add(budget)
	last, lastChange := count(), time.Now()
	for time.Since(lastChange) < quiet {
		if time.Now().After(deadline) {
			b.Fatalf("%s: the sink still receiving %s after %s", st.name, l.signal, budget)
		}
		time.Sleep(2 * time.Millisecond)
		if c := count(); c != last {
			last, lastChange = c, time.Now()
		}
	}
	cpu := p.cpuSeconds(b) - cpu0
	if received := int(last - before); received != l.records {
		b.Fatalf("%s: the sink received %d %s, want %d (telemetrygen drops spans when %s=%d is more than the machine sustains)",
			st.name, received, l.signal, l.records, envBenchSpanRate, l.rate*l.workers)
	}
	return throughputRun{setup: st.name, seconds: lastChange.Sub(start).Seconds(), cpu: cpu, records: l.records}
}

// cpuSeconds reads the CPU time the collector process has used from its own
// metrics (otelcol_process_cpu_seconds, a counter).
func (p *benchPipeline) cpuSeconds(b *testing.B) float64 {
	b.Helper()
	url := fmt.Sprintf("http://127.0.0.1:%d/metrics", p.collector.Endpoints.MetricsPort)
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		b.Fatalf("%s: reading the collector's metrics: %v", p.name, err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "otelcol_process_cpu_seconds") {
			continue
		}
		fields := strings.Fields(line)
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err != nil {
			b.Fatalf("%s: %q: %v", p.name, line, err)
		}
		return v
	}
	if err := sc.Err(); err != nil {
		b.Fatalf("%s: reading the collector's metrics: %v", p.name, err)
	}
	b.Fatalf("%s: no otelcol_process_cpu_seconds in the collector's metrics at %s", p.name, url)
	return 0
}
