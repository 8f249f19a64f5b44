package processor

import (
	"context"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// The exception-text benchmarks, in turns within one run on copies of the
// same 1,000 log records (runFactoryPairOn):
//
//   - no-code-200B: a 200-byte exception message holding no code,
//     errorcatalog with text sources off against on.
//   - symbolic: a message holding a CometChat code, errorcatalog against
//     the floor: find the token with strings.Fields, look it up in a Go
//     map, write the same attributes.

const proseMessage = "java.net.SocketTimeoutException: Read timed out after 30000 ms while calling the upstream service; " +
	"the request was retried 3 times with exponential backoff and then abandoned by the client."

const symbolicMessage = "CometChatException: ERR_GUID_NOT_FOUND: The GUID cometchat-guid-11 does not exist, please create it first."

func textBatch(msg string) plog.Logs {
	return payloadBatch(func(lr plog.LogRecord) {
		lr.Body().SetStr("call failed")
		lr.Attributes().PutStr("exception.type", "java.net.SocketTimeoutException")
		lr.Attributes().PutStr("exception.message", msg)
	})
}

// fieldsFloor finds a code token with strings.Fields.
type fieldsFloor struct{ entries map[string]*floorEntry }

func newFieldsFloor(b *testing.B) *fieldsFloor {
	cat, err := catalog.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	f := &fieldsFloor{entries: map[string]*floorEntry{}}
	for _, e := range cat.Entries() {
		if e.Vendor.CodeType != catalog.CodeTypeString {
			continue
		}
		f.entries[e.Code] = newFloorEntry(e)
	}
	return f
}

func (f *fieldsFloor) consume(ld plog.Logs) {
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				attrs := lr.Attributes()
				v, ok := attrs.Get("exception.message")
				if !ok {
					continue
				}
				var e *floorEntry
				for _, w := range strings.Fields(v.Str()) {
					if e = f.entries[strings.Trim(w, ":,.()")]; e != nil {
						break
					}
				}
				if e == nil {
					continue
				}
				e.write(attrs)
			}
		}
	}
}

func BenchmarkText(b *testing.B) {
	ctx := context.Background()
	off := config.Default()
	off.Text.Attributes = nil
	on := config.Default()
	b.Run("no-code-200B", func(b *testing.B) {
		pOff, pOn := newFactoryLogs(b, off), newFactoryLogs(b, on)
		runFactoryPairOn(b, textBatch(proseMessage), 1000,
			func(ld plog.Logs) { _ = pOff.ConsumeLogs(ctx, ld) },
			func(ld plog.Logs) { _ = pOn.ConsumeLogs(ctx, ld) }, "text-off", "text-on")
	})
	b.Run("symbolic", func(b *testing.B) {
		floor := newFieldsFloor(b)
		p := newFactoryLogs(b, on)
		batch := textBatch(symbolicMessage)
		want, got := plog.NewLogs(), plog.NewLogs()
		batch.CopyTo(want)
		batch.CopyTo(got)
		floor.consume(want)
		_ = p.ConsumeLogs(ctx, got)
		w := want.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().AsRaw()
		g := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().AsRaw()
		if !mapsEqual(w, g) || w["error.catalog.code"] != "ERR_GUID_NOT_FOUND" {
			b.Fatalf("floor wrote %v, errorcatalog %v", w, g)
		}
		runFactoryPairOn(b, batch, 1000, floor.consume, func(ld plog.Logs) { _ = p.ConsumeLogs(ctx, ld) }, "floor", "errorcatalog")
	})
}
