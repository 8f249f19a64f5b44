package jsonscan

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// collect records every visit as "key/key/...=raw" (strings quoted).
type collect struct{ got []string }

func (c *collect) Visit(p *Path, v Scalar) bool {
	keys := make([]string, p.Len())
	for i := range keys {
		keys[i] = p.Key(i)
	}
	raw := v.Raw
	if v.Kind == String {
		raw = fmt.Sprintf("%q", raw)
		if v.Escaped {
			raw += "(escaped)"
		}
	}
	c.got = append(c.got, strings.Join(keys, "/")+"="+raw)
	return true
}

var wide = Limits{MaxBytes: 1 << 20, MaxDepth: MaxDepth, MaxItems: 1 << 20}

func TestScan(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		lim    Limits
		want   Result
		visits []string
	}{
		{"flat", `{"code": -3, "message": "Insufficient privileges"}`, wide, OK, []string{"/code=-3"}},
		{"nested", `{"msg":"x","response":{"error":{"code":"ERR_UID_NOT_FOUND","message":"m"}}}`, wide, OK,
			[]string{"/response/error/code=\"ERR_UID_NOT_FOUND\""}},
		{"in an array", `{"errors":[{"code":1},{"code":2}]}`, wide, OK, []string{"/errors//code=1", "/errors//code=2"}},
		{"empty containers", `{"a":{},"b":[],"code":7}`, wide, OK, []string{"/code=7"}},
		{"only wanted keys", `{"codes":1,"Code":2,"xcode":3}`, wide, OK, nil},
		{"not scalars", `{"code":{"code":5},"ErrorCode":[1]}`, wide, OK, []string{"/code/code=5"}},
		{"literals", `{"code":null,"ErrorCode":true}`, wide, OK, nil},
		{"escaped value", `{"code":"ERR\u005fX"}`, wide, OK, []string{`/code="ERR\\u005fX"(escaped)`}},
		{"escaped key never matches", `{"c\u006fde":1}`, wide, OK, nil},
		{"top-level array", `[{"code":1}]`, wide, OK, []string{"//code=1"}},
		{"top-level scalar", `"code"`, wide, OK, nil},
		{"whitespace", " \t\n{ \"code\" : 1 } \r\n", wide, OK, []string{"/code=1"}},
		{"numbers as written", `{"code":-0,"ErrorCode":1e400}`, wide, OK, []string{"/code=-0", "/ErrorCode=1e400"}},
		{"duplicate keys", `{"code":1,"code":2}`, wide, OK, []string{"/code=1", "/code=2"}},

		{"truncated", `{"code": -3, "mess`, wide, Invalid, []string{"/code=-3"}},
		{"trailing bytes", `{"code":1} x`, wide, Invalid, []string{"/code=1"}},
		{"two values", `{"code":1}{"code":2}`, wide, Invalid, []string{"/code=1"}},
		{"trailing comma", `{"code":1,}`, wide, Invalid, []string{"/code=1"}},
		{"single quotes", `{'code':1}`, wide, Invalid, nil},
		{"bad number", `{"code":01}`, wide, Invalid, []string{"/code=0"}},
		{"bad escape", `{"code":"\x"}`, wide, Invalid, nil},
		{"control char", "{\"code\":\"a\nb\"}", wide, Invalid, nil},
		{"invalid UTF-8", "{\"code\":\"\xff\"}", wide, Invalid, nil},
		{"empty", ``, wide, Invalid, nil},
		{"bare word", `nope`, wide, Invalid, nil},

		{"too large", `{"code":1}`, Limits{MaxBytes: 9, MaxDepth: 8, MaxItems: 8}, TooLarge, nil},
		{"too deep", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), Limits{MaxBytes: 1 << 20, MaxDepth: 8, MaxItems: 8}, TooDeep, nil},
		{"depth at the limit", `{"a":{"code":1}}`, Limits{MaxBytes: 99, MaxDepth: 2, MaxItems: 8}, OK, []string{"/a/code=1"}},
		{"too many items", `[` + strings.Repeat(`0,`, 100) + `0]`, Limits{MaxBytes: 1 << 20, MaxDepth: 8, MaxItems: 50}, TooManyItems, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := Scanner{Limits: tt.lim, Wanted: []string{"code", "ErrorCode"}}
			var c collect
			assert.Equal(t, tt.want, sc.Scan(tt.in, &c))
			assert.Equal(t, tt.visits, c.got)
		})
	}
}

// stopper stops at the first visit.
type stopper struct{ n int }

func (s *stopper) Visit(*Path, Scalar) bool { s.n++; return false }

func TestScanEmbedded(t *testing.T) {
	sc := Scanner{Limits: wide, Wanted: []string{"code"}, Embedded: true}
	var c collect
	require.Equal(t, OK, sc.Scan(`{"body":"{\"code\":-3}","code":"{x","note":"{"}`, &c))
	assert.Equal(t, []string{`/body={\"code\":-3}`, `/code={x`, `/note={`}, c.got, "embedded objects are visited raw, whatever their key")
}

func TestScanStops(t *testing.T) {
	sc := Scanner{Limits: wide, Wanted: []string{"code"}}
	var s stopper
	require.Equal(t, Stopped, sc.Scan(`{"code":1,"code":2}`, &s))
	require.Equal(t, 1, s.n)
}

func TestScanDoesNotAllocate(t *testing.T) {
	in := `{"msg":"request failed","response":{"error":{"code":"ERR_UID_NOT_FOUND","message":"The UID does not exist"}},"n":[1,2.5e3,true,null]}`
	sc := Scanner{Limits: wide, Wanted: []string{"code"}}
	var s nopVisitor
	allocs := testing.AllocsPerRun(100, func() { sc.Scan(in, s) })
	require.Zero(t, allocs)
}

type nopVisitor struct{}

func (nopVisitor) Visit(*Path, Scalar) bool { return true }

// FuzzScan checks the scanner against encoding/json: within wide limits, a
// UTF-8 text scans OK exactly when json.Valid accepts it, and no input
// panics or runs past its limits.
func FuzzScan(f *testing.F) {
	for _, s := range []string{
		`{"code": -3, "message": "Insufficient privileges"}`,
		`{"ResponseStatus":{"ErrorCode":"NUMBER_NOT_FOUND","Message":"x","Errors":[{"FieldName":"To"}]}}`,
		`{"status":{"status_code":401,"error_code":2601,"description":"Authentication failed"}}`,
		`{"error":{"code":"ERR_UID_NOT_FOUND"}}`, `[1,2,3]`, `"\u00e9"`, `{"a":`, `1e400`, `-0`, "{\"k\":\"\xff\"}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc := Scanner{Limits: wide, Wanted: []string{"code", "ErrorCode", "error_code"}}
		r := sc.Scan(s, nopVisitor{})
		// encoding/json accepts invalid UTF-8 in strings (it decodes it as
		// U+FFFD); RFC 8259 does not, and neither does the scanner.
		if !utf8.ValidString(s) {
			if r == OK {
				t.Fatalf("Scan(%q) = OK for text that is not UTF-8", s)
			}
			return
		}
		if r != OK && r != Invalid {
			return // a limit, not validity, ended the scan
		}
		if want := json.Valid([]byte(s)); (r == OK) != want {
			t.Fatalf("Scan(%q) = %v, json.Valid = %v", s, r, want)
		}
		tight := Scanner{Limits: Limits{MaxBytes: 64, MaxDepth: 3, MaxItems: 5}, Wanted: sc.Wanted}
		if r := tight.Scan(s, nopVisitor{}); r == OK && (len(s) > 64) {
			t.Fatalf("Scan accepted %d bytes over a 64-byte limit", len(s))
		}
	})
}

func TestUnescape(t *testing.T) {
	for _, raw := range []string{
		`plain`, `{\"code\":-3,\"message\":\"Insufficient privileges\"}`, `tab\there\nnew \/ \\ \b\f\r`,
		`\u00e9\u20ac`, `\ud83d\ude00`, `\ud83d alone`, `\ude00`, `\u0000`,
	} {
		var want string
		require.NoError(t, json.Unmarshal([]byte(`"`+raw+`"`), &want), raw)
		got, ok := Unescape(nil, raw)
		require.True(t, ok, raw)
		assert.Equal(t, want, string(got), raw)
	}
	for _, bad := range []string{`\x`, `\u12`, `\`, `\uZZZZ`} {
		_, ok := Unescape(nil, bad)
		assert.False(t, ok, bad)
	}
}
