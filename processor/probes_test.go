package processor

import (
	"context"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/errorcatalog/errorcatalogprocessor/config"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		text string
		want []string // tok/prev pairs
	}{
		{"cometchat: ERR_UID_NOT_FOUND: no", []string{"cometchat/", "ERR_UID_NOT_FOUND/cometchat", "no/ERR_UID_NOT_FOUND"}},
		{"error code: 2601", []string{"error/", "code/error", "2601/code"}},
		{"errcode=-3", []string{"errcode/", "-3/errcode"}},
		{"Client.java:414)", []string{"Client/", "java/", "414/java"}},
		{"x-3", []string{"x/", "3/"}}, // a minus inside a word is not a sign
		{"(code #414)", []string{"code/", "414/code"}},
	}
	for _, tt := range tests {
		var got []string
		tokenize(tt.text, func(tok, prev string) bool {
			got = append(got, tok+"/"+prev)
			return true
		})
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("tokenize(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// FuzzTokenize checks the tokenizer on any text: every token is a
// substring of the text, in order, never empty, and the walk ends.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{
		"CometChatException: ERR_GUID_NOT_FOUND: The GUID does not exist",
		"failed to add member: cometchat: ERR_NOT_A_MEMBER (status 409)",
		"Zingle API error code: 2601", "errcode=-3", "at com.acme.Client.send(Client.java:414)",
		"\xff\xfe-", "--3", "-", "a-", strings.Repeat("ERR_X ", 100),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		at := 0
		n := 0
		tokenize(text, func(tok, prev string) bool {
			n++
			if tok == "" {
				t.Fatal("empty token")
			}
			i := strings.Index(text[at:], tok)
			if i < 0 {
				t.Fatalf("token %q is not in the text after offset %d", tok, at)
			}
			at += i + len(tok)
			return true
		})
		if n > len(text) {
			t.Fatalf("%d tokens in %d bytes", n, len(text))
		}
	})
}

// FuzzProbes feeds arbitrary error.type, exception text and status values,
// with and without a hint, through a processor with the fallback on: no
// panic, nothing outside the prefix changes, and a result classified from
// the status never carries a code.
func FuzzProbes(f *testing.F) {
	f.Add("ERR_UID_NOT_FOUND", "cometchat: ERR_GUID_NOT_FOUND", "api-us.cometchat.io", int64(404))
	f.Add("404", "Request failed with status code 404", "api-us.cometchat.io", int64(429))
	f.Add("", "Zingle API error code: 2601", "api.zingle.me", int64(503))
	f.Add("2601", "", "", int64(700))
	f.Add("java.io.IOException", "\xff code: -3", "api.speakap.com", int64(-1))
	cfg := config.Default()
	cfg.HTTPStatusFallback = true
	p := startProcessor(f, cfg, componenttest.NewNopTelemetrySettings())
	f.Fuzz(func(t *testing.T, errorType, message, host string, status int64) {
		ld := plog.NewLogs()
		attrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes()
		attrs.PutStr("error.type", errorType)
		attrs.PutStr("exception.message", message)
		attrs.PutStr("server.address", host)
		attrs.PutInt("http.response.status_code", status)
		before := attrs.AsRaw()
		out, err := p.processLogs(context.Background(), ld)
		if err != nil {
			t.Fatal(err)
		}
		got := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().AsRaw()
		for k, v := range before {
			if got[k] != v {
				t.Fatalf("%s changed: %v → %v", k, v, got[k])
			}
		}
		if _, coded := got["error.catalog.code"]; !coded {
			if _, classified := got["error.catalog.class"]; classified && (status < 400 || status > 599) {
				t.Fatalf("classified without a code from status %d: %v", status, got)
			}
		}
	})
}

// tokenize calls f for each token of text, with the word before it (see
// tokenizer). f returns false to stop.
func tokenize(text string, f func(tok, prev string) bool) {
	z := tokenizer{text: text}
	for z.next() {
		if !f(z.tok, z.prev) {
			return
		}
	}
}
