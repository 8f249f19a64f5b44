package processor

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/buger/jsonparser"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// The payload benchmarks. Each one runs two sides in turns within one run
// (runFactoryPair), on copies of the same batch of 1,000 log records, into
// the same nothing (the batch is dropped), writing the same attributes:
//
//   - without-payload: records with ten attributes and a plain-text body,
//     errorcatalog with payloads off against payloads on (the default);
//     what reading no payload costs.
//   - no-code-map / no-code-json: records whose body is a map, or a JSON
//     string, holding no vendor response; allocations with payloads on.
//   - response-200B / log-line-4KiB: records whose body is a vendor's
//     error response (a 200-byte CometChat response), or a 4 KiB JSON log
//     line with the response two levels down, errorcatalog against the
//     floor: extract the declared path with buger/jsonparser, look the
//     code up in a Go map and write the same attributes.

// payloadBatch returns 1,000 log records with the given body and the
// attributes of an HTTP client call (no code attribute).
func payloadBatch(body func(plog.LogRecord)) plog.Logs {
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for range 1000 {
		lr := lrs.AppendEmpty()
		m := lr.Attributes()
		putCallAttributes(m, 404)
		m.PutStr("messaging.system", "none")
		m.PutStr("enduser.role", "member")
		body(lr)
	}
	return ld
}

// cometchatResponse is a CometChat error response of about 200 bytes.
const cometchatResponse = `{"error":{"code":"ERR_UID_NOT_FOUND","message":"The UID cometchat-uid-7 does not exist, please make sure you have created a user with UID cometchat-uid-7.","devMessage":"uid not found","source":"ugc"}}`

// logLine4K is a 4 KiB JSON log line, the response two levels down.
func logLine4K() string {
	var sb strings.Builder
	sb.WriteString(`{"time":"2026-12-01T07:33:30.123Z","level":"ERROR","msg":"cometchat call failed","request":{"method":"POST","url":"https://app.api-us.cometchat.io/v3/users/cometchat-uid-7/friends","headers":{`)
	for i := 0; sb.Len() < 3700; i++ {
		fmt.Fprintf(&sb, `"x-header-%d":"value-%d-abcdefghijklmnopqrstuvwxyz",`, i, i)
	}
	sb.WriteString(`"accept":"application/json"}},"response":{"status":404,"body":` + cometchatResponse + `}}`)
	return sb.String()
}

// jsonFloor is the floor for JSON bodies: extract one declared path, look
// the code up in a Go map, write the same attributes.
type jsonFloor struct {
	path    []string
	entries map[string]*floorEntry
}

func newJSONFloor(b *testing.B, path ...string) *jsonFloor {
	cat, err := catalog.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	f := &jsonFloor{path: path, entries: map[string]*floorEntry{}}
	for _, e := range cat.Entries() {
		if e.Vendor.ID != "cometchat" {
			continue
		}
		f.entries[e.Code] = newFloorEntry(e)
	}
	return f
}

func (f *jsonFloor) consume(ld plog.Logs) {
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				s := lr.Body().Str()
				// The body as bytes without a copy, as jsonparser wants them.
				data := unsafe.Slice(unsafe.StringData(s), len(s))
				v, typ, _, err := jsonparser.Get(data, f.path...)
				if err != nil || typ != jsonparser.String {
					continue
				}
				e := f.entries[unsafe.String(unsafe.SliceData(v), len(v))]
				if e == nil {
					continue
				}
				e.write(lr.Attributes())
			}
		}
	}
}

func BenchmarkPayloads(b *testing.B) {
	ctx := context.Background()
	off := config.Default()
	off.Payloads.Enabled = false
	on := config.Default()
	records := 1000.0

	run := func(b *testing.B, batch plog.Logs, a, c func(plog.Logs), nameA, nameC string) {
		runFactoryPairOn(b, batch, records, a, c, nameA, nameC)
	}
	b.Run("without-payload", func(b *testing.B) {
		pOff, pOn := newFactoryLogs(b, off), newFactoryLogs(b, on)
		batch := payloadBatch(func(lr plog.LogRecord) { lr.Body().SetStr("request failed: upstream returned 404") })
		run(b, batch,
			func(ld plog.Logs) { _ = pOff.ConsumeLogs(ctx, ld) },
			func(ld plog.Logs) { _ = pOn.ConsumeLogs(ctx, ld) }, "payloads-off", "payloads-on")
	})
	for _, nc := range []struct {
		name string
		body func(plog.LogRecord)
	}{
		{"no-code-map", func(lr plog.LogRecord) {
			m := lr.Body().SetEmptyMap()
			m.PutStr("msg", "request failed")
			m.PutStr("level", "error")
			r := m.PutEmptyMap("response")
			r.PutInt("status", 404)
			r.PutStr("body", "not found")
		}},
		{"no-code-json", func(lr plog.LogRecord) {
			lr.Body().SetStr(`{"msg":"request failed","level":"error","response":{"status":404,"body":"not found"}}`)
		}},
	} {
		b.Run(nc.name, func(b *testing.B) {
			pOff, pOn := newFactoryLogs(b, off), newFactoryLogs(b, on)
			run(b, payloadBatch(nc.body),
				func(ld plog.Logs) { _ = pOff.ConsumeLogs(ctx, ld) },
				func(ld plog.Logs) { _ = pOn.ConsumeLogs(ctx, ld) }, "payloads-off", "payloads-on")
		})
	}
	for _, fc := range []struct {
		name string
		body string
		path []string
	}{
		{"response-200B", cometchatResponse, []string{"error", "code"}},
		{"log-line-4KiB", logLine4K(), []string{"response", "body", "error", "code"}},
	} {
		b.Run(fc.name, func(b *testing.B) {
			floor := newJSONFloor(b, fc.path...)
			p := newFactoryLogs(b, on)
			batch := payloadBatch(func(lr plog.LogRecord) { lr.Body().SetStr(fc.body) })
			checkSamePayloadOutput(b, batch, floor, p)
			run(b, batch, floor.consume, func(ld plog.Logs) { _ = p.ConsumeLogs(ctx, ld) }, "floor", "errorcatalog")
			b.ReportMetric(float64(len(fc.body)), "body-bytes")
		})
	}
}

// checkSamePayloadOutput checks that the floor and errorcatalog write the
// same attributes on the batch.
func checkSamePayloadOutput(b *testing.B, batch plog.Logs, floor *jsonFloor, p interface {
	ConsumeLogs(context.Context, plog.Logs) error
}) {
	want, got := plog.NewLogs(), plog.NewLogs()
	batch.CopyTo(want)
	batch.CopyTo(got)
	floor.consume(want)
	if err := p.ConsumeLogs(context.Background(), got); err != nil {
		b.Fatal(err)
	}
	w := want.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().AsRaw()
	g := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().AsRaw()
	if !mapsEqual(w, g) || w["error.catalog.code"] != "ERR_UID_NOT_FOUND" {
		b.Fatalf("floor wrote %v, errorcatalog %v", w, g)
	}
}
